import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";

const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const provproto = require("@pulumi/pulumi/proto/provider_pb");

/**
 * A real `provider.main` of @pulumi/pulumi in a process of its own, with forwardConfig in front
 * of it and a provider that records what configure is given: this pins the SDK behaviour the
 * plugin's workaround relies on (its server registered through grpc-js's addService, its own
 * configure answering the call) and the workaround itself.
 */
const SERVER = `
const path = require("node:path");
const provider = require("@pulumi/pulumi/provider");
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json"))] }));
const { forwardConfig } = require(${JSON.stringify(path.resolve(__dirname, "../../provider/pluginConfigure.js"))});
const { CheckResponse, CheckFailure } = require("@pulumi/pulumi/proto/provider_pb");
const { Struct } = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json"))] }));
const chatkit = {
  version: "0.0.0",
  async configure(args, urn) {
    if (args.apiKey === "refuse") throw new Error("refused by the provider");
    process.stderr.write("configured " + JSON.stringify(args) + " for " + urn + "\\n");
  },
  checkConfig(news) {
    return { inputs: { ...news, checked: true }, failures: news.apiKey === 1 ? [{ property: "apiKey", reason: "apiKey must be a string" }] : [] };
  },
};
if (process.env.FORWARD_CONFIG === "yes") forwardConfig(grpc.Server, { CheckResponse, CheckFailure, Struct }, chatkit);
provider.main(chatkit, []);
`;

const OWN_URN = "urn:pulumi:dev::p::pulumi:providers:chatkit::own";
/** Whether this @pulumi/pulumi's Configure carries the provider's URN (3.139's does not). */
const CARRIES_URN = typeof new provproto.ConfigureRequest().setUrn === "function";

async function startServer(forward = true) {
  const child = spawn(process.execPath, ["-e", SERVER], {
    cwd: path.resolve(__dirname, "../../.."),
    env: { ...process.env, FORWARD_CONFIG: forward ? "yes" : "no" },
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once("exit", (code) => reject(new Error(`the provider exited (${code}): ${stderr}`)));
  });
  const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const checkConfig = (news: Record<string, unknown>) =>
    new Promise<{ error?: grpc.ServiceError; response?: any }>((resolve) => {
      const request = new provproto.CheckRequest();
      request.setNews(structproto.Struct.fromJavaScript(news as Record<string, structproto.JavaScriptValue>));
      client.checkConfig(request, (error: grpc.ServiceError | null, response: any) =>
        resolve({ error: error ?? undefined, response }),
      );
    });
  const configure = (args: Record<string, unknown>) =>
    new Promise<{ error?: grpc.ServiceError; response?: any }>((resolve) => {
      const request = new provproto.ConfigureRequest();
      // The field is newer than @pulumi/pulumi 3.139, whose Configure carries no URN.
      if (typeof request.setUrn === "function") request.setUrn(OWN_URN);
      request.setArgs(structproto.Struct.fromJavaScript(args as Record<string, structproto.JavaScriptValue>));
      client.configure(request, (error: grpc.ServiceError | null, response: any) =>
        resolve({ error: error ?? undefined, response }),
      );
    });
  return {
    checkConfig,
    configure,
    stderr: () => stderr,
    close() {
      client.close();
      child.kill();
    },
  };
}

describe("provider/pluginConfigure: the provider plugin's configure, in front of provider.main", function () {
  this.timeout(60_000);
  let server: Awaited<ReturnType<typeof startServer>>;
  before(async () => {
    server = await startServer();
  });
  after(() => server?.close());

  it("hands the Configure call's inputs to the provider, then answers as the SDK does", async () => {
    const { error, response } = await server.configure({ apiKey: "sk-abc", baseUrl: "http://127.0.0.1:1/v1" });
    assert.equal(error, undefined);
    assert.equal(response.getAcceptsecrets(), true, "the SDK still tells the engine it accepts secrets");
    assert.ok(
      server
        .stderr()
        .includes(
          `configured {"apiKey":"sk-abc","baseUrl":"http://127.0.0.1:1/v1"} for ${CARRIES_URN ? OWN_URN : "undefined"}`,
        ),
      server.stderr(),
    );
  });

  it("answers CheckConfig with the provider's inputs and failures, where the SDK answers unimplemented", async () => {
    const { error, response } = await server.checkConfig({ apiKey: "sk-abc" });
    assert.equal(error, undefined);
    assert.deepEqual(response.getInputs().toJavaScript(), { apiKey: "sk-abc", checked: true });
    const refused = await server.checkConfig({ apiKey: 1 });
    assert.deepEqual(
      refused.response.getFailuresList().map((failure: any) => [failure.getProperty(), failure.getReason()]),
      [["apiKey", "apiKey must be a string"]],
    );
  });

  it("is needed: the SDK alone answers CheckConfig unimplemented and never hands Configure's inputs on", async () => {
    const bare = await startServer(false);
    try {
      const check = await bare.checkConfig({ apiKey: "sk-abc" });
      assert.equal(check.error?.code, grpc.status.UNIMPLEMENTED);
      const { error } = await bare.configure({ apiKey: "sk-abc" });
      assert.equal(error, undefined);
      assert.doesNotMatch(bare.stderr(), /configured/);
    } finally {
      bare.close();
    }
  });

  it("fails the call with the provider's own message when configure fails", async () => {
    const { error } = await server.configure({ apiKey: "refuse" });
    assert.ok(error);
    assert.match(error.details, /refused by the provider/);
  });
});
