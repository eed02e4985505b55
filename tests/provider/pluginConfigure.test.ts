import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import { forwardConfig } from "../../provider/pluginConfigure";

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

/**
 * forwardConfig in this process, in front of a stand-in for grpc-js's Server and the SDK's
 * handlers: what it hands on, in what order, and what each call answers.
 */
describe("provider/pluginConfigure: forwardConfig's wrapping of the SDK's handlers", () => {
  type Callback = (error: Error | null, response?: unknown) => void;
  const struct = (value: Record<string, unknown> | undefined) =>
    value === undefined ? undefined : { toJavaScript: () => value };
  const protos = {
    CheckResponse: class {
      inputs: unknown;
      failures: unknown[] = [];
      setInputs(inputs: unknown) {
        this.inputs = inputs;
      }
      setFailuresList(failures: unknown[]) {
        this.failures = failures;
      }
    },
    CheckFailure: class {
      property?: string;
      reason?: string;
      setProperty(property: string) {
        this.property = property;
      }
      setReason(reason: string) {
        this.reason = reason;
      }
    },
    Struct: { fromJavaScript: (value: Record<string, unknown>) => ({ struct: value }) },
  };

  /** A server class with forwardConfig installed, the implementation it registered, and what happened, in order. */
  function wrapped(
    implementation: Record<string, any>,
    chatkit: { configure?: (args: any, urn?: string) => Promise<void>; checkConfig?: (news: any) => any } = {},
  ) {
    const events: unknown[] = [];
    class Server {
      registered?: { self: unknown; definition: unknown; implementation: Record<string, any> };
      addService(definition: unknown, implementation: Record<string, any>) {
        this.registered = { self: this, definition, implementation };
        return "added";
      }
    }
    forwardConfig(Server, protos, {
      configure: async (args, urn) => {
        events.push(["chatkit.configure", args, urn]);
        await chatkit.configure?.(args, urn);
      },
      checkConfig: (news) => {
        events.push(["chatkit.checkConfig", news]);
        return chatkit.checkConfig ? chatkit.checkConfig(news) : { inputs: news, failures: [] };
      },
    });
    const server = new Server();
    const definition = { service: "ResourceProvider" };
    assert.equal(server.addService(definition, implementation), "added");
    assert.equal(server.registered?.self, server);
    assert.equal(server.registered?.definition, definition);
    // The handlers answer within a few turns of the event loop; a call left unanswered would hang
    // the engine's Configure or CheckConfig, and fails here at once rather than at mocha's timeout.
    const call = (name: string, request: unknown) =>
      new Promise<{ error: Error | null; response?: unknown }>((resolve, reject) => {
        const unanswered = setTimeout(() => reject(new Error(`${name} was never answered`)), 2000);
        const callback: Callback = (error, response) => {
          clearTimeout(unanswered);
          events.push(["callback", error?.message ?? null, response]);
          resolve({ error, response });
        };
        server.registered!.implementation[name]!({ request }, callback);
      });
    return { events, call, registered: server.registered!.implementation };
  }

  const sdk = (events: () => unknown[]) => ({
    configure(this: unknown, _call: unknown, callback: Callback) {
      events().push(["sdk.configure", this === implementation]);
      callback(null, "the SDK's answer");
    },
    checkConfig(_call: unknown, callback: Callback) {
      callback(new Error("unimplemented"));
    },
  });
  let implementation: Record<string, any>;
  let log: unknown[] = [];
  beforeEach(() => {
    log = [];
    implementation = sdk(() => log);
  });

  it("hands Configure's inputs and URN to the provider, then lets the SDK answer, on its own implementation", async () => {
    const { events, call } = wrapped(implementation);
    log = events;
    const urn = "urn:pulumi:dev::p::pulumi:providers:chatkit::own";
    const answer = await call("configure", { getArgs: () => struct({ apiKey: "sk-1" }), getUrn: () => urn });
    assert.deepEqual(answer, { error: null, response: "the SDK's answer" });
    assert.deepEqual(events, [
      ["chatkit.configure", { apiKey: "sk-1" }, urn],
      ["sdk.configure", true],
      ["callback", null, "the SDK's answer"],
    ]);
  });

  it("hands no inputs as {} and a request without a URN field as no URN", async () => {
    const { events, call } = wrapped(implementation);
    log = events;
    await call("configure", { getArgs: () => undefined });
    assert.deepEqual(events[0], ["chatkit.configure", {}, undefined]);
  });

  it("fails Configure, without the SDK's answer, when the provider refuses the inputs", async () => {
    for (const [thrown, message] of [
      [new Error("refused"), "refused"],
      ["a text", "a text"],
    ] as const) {
      const { events, call } = wrapped(implementation, {
        configure: async () => {
          throw thrown;
        },
      });
      log = events;
      const answer = await call("configure", { getArgs: () => struct({}) });
      assert.ok(answer.error instanceof Error);
      assert.equal(answer.error.message, message);
      assert.equal(answer.response, undefined);
      assert.ok(!events.some((event) => (event as unknown[])[0] === "sdk.configure"));
    }
  });

  it("fails Configure when its request cannot be read, before the provider or the SDK sees it", async () => {
    for (const [thrown, message] of [
      [new Error("bad struct"), "bad struct"],
      [42, "42"],
    ] as const) {
      const { events, call } = wrapped(implementation);
      log = events;
      const answer = await call("configure", {
        getArgs: () => {
          throw thrown;
        },
      });
      assert.ok(answer.error instanceof Error);
      assert.equal(answer.error.message, message);
      assert.deepEqual(events, [["callback", message, undefined]]);
    }
    const { events, call } = wrapped(implementation);
    const answer = await call("configure", {
      getArgs: () => struct({}),
      getUrn: () => {
        throw new Error("no urn");
      },
    });
    assert.equal(answer.error?.message, "no urn");
    assert.equal(events.length, 1);
  });

  it("answers CheckConfig with the provider's inputs, as a Struct, and its failures", async () => {
    const { events, call } = wrapped(implementation, {
      checkConfig: (news) => ({
        inputs: { ...news, checked: true },
        failures: [
          { property: "apiKey", reason: "apiKey must be a string" },
          { property: "maxRetries", reason: "maxRetries must be a number" },
        ],
      }),
    });
    const { error, response } = await call("checkConfig", { getNews: () => struct({ apiKey: 1 }) });
    assert.equal(error, null);
    assert.ok(response instanceof protos.CheckResponse);
    assert.deepEqual(response.inputs, { struct: { apiKey: 1, checked: true } });
    assert.deepEqual(
      response.failures.map((failure) => {
        assert.ok(failure instanceof protos.CheckFailure);
        return [failure.property, failure.reason];
      }),
      [
        ["apiKey", "apiKey must be a string"],
        ["maxRetries", "maxRetries must be a number"],
      ],
    );
    assert.deepEqual(events[0], ["chatkit.checkConfig", { apiKey: 1 }]);
    await call("checkConfig", { getNews: () => undefined });
    assert.deepEqual(events.at(-2), ["chatkit.checkConfig", {}]);
  });

  it("fails CheckConfig with the provider's error when its check throws", async () => {
    for (const [thrown, message] of [
      [new Error("check failed"), "check failed"],
      ["a text", "a text"],
    ] as const) {
      const { call } = wrapped(implementation, {
        checkConfig: () => {
          throw thrown;
        },
      });
      const answer = await call("checkConfig", { getNews: () => struct({}) });
      assert.ok(answer.error instanceof Error);
      assert.equal(answer.error.message, message);
      assert.equal(answer.response, undefined);
    }
  });

  it("leaves an implementation without configure or checkConfig as it is", () => {
    const { registered } = wrapped({ check: "the SDK's check" });
    assert.deepEqual(registered, { check: "the SDK's check" });
  });
});
