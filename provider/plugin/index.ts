/**
 * The `chatkit` provider plugin's entry: the engine's Node.js language host runs this folder
 * (PulumiPlugin.yaml, runtime nodejs), whose package.json points here, and this serves
 * chatkit:index:Session through `provider.main` of `@pulumi/pulumi/provider`.
 */
import * as path from "node:path";
import * as provider from "@pulumi/pulumi/provider";
import { NativeSessionProvider } from "../nativeProvider";
import { forwardConfigure } from "../pluginConfigure";

const { version } = require("../../../package.json") as { version: string };

/** The grpc-js that @pulumi/pulumi serves with (its own dependency, wherever npm put it). */
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] }));

const chatkit = new NativeSessionProvider({ version });
forwardConfigure(grpc.Server, chatkit);
provider.main(chatkit, process.argv.slice(2));
