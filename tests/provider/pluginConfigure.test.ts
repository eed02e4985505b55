import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";

const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const provproto = require("@pulumi/pulumi/proto/provider_pb");

/**
 * A real `provider.main` of @pulumi/pulumi in a process of its own, with forwardConfigure in
 * front of it and a provider that records what configure is given: this pins the SDK behaviour
 * the plugin's workaround relies on (its server registered through grpc-js's addService, its own
 * configure answering the call) and the workaround itself.
 */
const SERVER = `
const path = require("node:path");
const provider = require("@pulumi/pulumi/provider");
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json"))] }));
const { forwardConfigure } = require(${JSON.stringify(path.resolve(__dirname, "../../provider/pluginConfigure.js"))});
const chatkit = {
  version: "0.0.0",
  async configure(args) {
    if (args.apiKey === "refuse") throw new Error("refused by the provider");
    process.stderr.write("configured " + JSON.stringify(args) + "\\n");
  },
};
forwardConfigure(grpc.Server, chatkit);
provider.main(chatkit, []);
`;

async function startServer() {
  const child = spawn(process.execPath, ["-e", SERVER], { cwd: path.resolve(__dirname, "../../..") });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once("exit", (code) => reject(new Error(`the provider exited (${code}): ${stderr}`)));
  });
  const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const configure = (args: Record<string, unknown>) =>
    new Promise<{ error?: grpc.ServiceError; response?: any }>((resolve) => {
      const request = new provproto.ConfigureRequest();
      request.setArgs(structproto.Struct.fromJavaScript(args as Record<string, structproto.JavaScriptValue>));
      client.configure(request, (error: grpc.ServiceError | null, response: any) =>
        resolve({ error: error ?? undefined, response }),
      );
    });
  return {
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
    assert.match(server.stderr(), /configured \{"apiKey":"sk-abc","baseUrl":"http:\/\/127\.0\.0\.1:1\/v1"\}/);
  });

  it("fails the call with the provider's own message when configure fails", async () => {
    const { error } = await server.configure({ apiKey: "refuse" });
    assert.ok(error);
    assert.match(error.details, /refused by the provider/);
  });
});
