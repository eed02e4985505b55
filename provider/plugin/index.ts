/**
 * The `chatkit` provider plugin's entry: the engine's Node.js language host runs this folder
 * (PulumiPlugin.yaml, runtime nodejs), whose package.json points here, and this serves
 * chatkit:index:Session through `provider.main` of `@pulumi/pulumi/provider`.
 */
import * as path from "node:path";
import * as provider from "@pulumi/pulumi/provider";
import { NativeSessionProvider } from "../nativeProvider";
import { forwardConfig } from "../pluginConfigure";

const { version } = require("../../../package.json") as { version: string };

/** The grpc-js and protobuf messages that @pulumi/pulumi serves with (its own dependencies, wherever npm put them). */
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const fromPulumi = (module: string) => require(require.resolve(module, { paths: [pulumiDir] }));
const grpc = fromPulumi("@grpc/grpc-js");
const { CheckResponse, CheckFailure } = require("@pulumi/pulumi/proto/provider_pb");
const { Struct } = fromPulumi("google-protobuf/google/protobuf/struct_pb");

const chatkit = new NativeSessionProvider({ version });
forwardConfig(grpc.Server, { CheckResponse, CheckFailure, Struct }, chatkit);
provider.main(chatkit, process.argv.slice(2));
