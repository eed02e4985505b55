import * as assert from "node:assert/strict";
import * as path from "node:path";
import * as fc from "fast-check";
import { SessionProvider } from "../../provider/lifecycle";
import { validateInputs } from "../../provider/schema";
import { type HostClient, startHost } from "../../scripts/tooling/host";
import { useEmulator } from "../helpers/emulator";
import { serializedProvider } from "../helpers/mocks";

const REPO_ROOT = path.resolve(__dirname, "../../..");
const API_KEY = "sk-proj-canary-5f0e8c1d2b3a49786";
const WRONG_KEY = "sk-revoked-canary-99aa88bb77cc";

/**
 * Every logging switch the SDK, the host and what they load honour, all at their loudest: none may
 * make anything print a key or a client secret.
 */
const LOGGING_SWITCHES = {
  OPENAI_LOG: "debug",
  DEBUG: "*",
  NODE_DEBUG: "http,http2,net,tls,fetch,undici,stream,child_process",
  GRPC_TRACE: "all",
  GRPC_VERBOSITY: "DEBUG",
  GRPC_NODE_TRACE: "all",
  GRPC_NODE_VERBOSITY: "DEBUG",
  GRPC_NODE_DEBUG_SEND_ERROR_DETAILS: "true",
  PULUMI_DEBUG_PROMISE_LEAKS: "true",
  PULUMI_DEBUG_COMMANDS: "true",
  PULUMI_ERROR_OUTPUT_STRING: "true",
  TS_NODE_DEBUG: "true",
};

/** Every leaf path of a JSON value, as arrays of keys. */
function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== "object" || Object.keys(value).length === 0) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => leafPaths(child, [...prefix, key]));
}

/**
 * Every run of ten characters of a secret, without its known prefix (`sk-`, `sk-proj-`, `ek_`):
 * the README promises that no such fragment of a key or client secret is ever shown, not only
 * that the whole secret is not.
 */
function fragments(secret: string): string[] {
  const body = secret.replace(/^(sk|ek)[-_]((proj|svcacct|admin)[-_])?/, "");
  return Array.from({ length: Math.max(0, body.length - 9) }, (_, i) => body.slice(i, i + 10));
}

function hasPath(value: unknown, keys: string[]): boolean {
  let current: unknown = value;
  for (const key of keys) {
    if (current === null || typeof current !== "object" || !(key in current)) return false;
    current = (current as Record<string, unknown>)[key];
  }
  return true;
}

describe("secret hygiene across create, failure, retry and delete", function () {
  this.timeout(60_000);
  const emulatorLog: string[] = [];
  const ctx = useEmulator({ apiKeys: [API_KEY], log: (line) => emulatorLog.push(line) });
  let host: HostClient;
  let provider: string;
  const leftBehind: string[] = [];
  const clientSecrets: string[] = [];

  before(async () => {
    provider = await serializedProvider();
    leftBehind.push(provider);
    host = await startHost({
      cwd: REPO_ROOT,
      env: { OPENAI_API_KEY: WRONG_KEY, OPENAI_BASE_URL: "", ...LOGGING_SWITCHES },
    });
    await host.configure({ "chatkit:apiKey": API_KEY, "chatkit:baseUrl": ctx.emulator.url, "chatkit:maxRetries": "2" });
  });
  after(async () => {
    await host?.close();
  });

  const news = (extra: Record<string, unknown> = {}) => ({
    __provider: provider,
    user: "secret-user",
    workflow: { id: "wf_secret", stateVariables: { token: "user-secret-value" } },
    ...extra,
  });
  const record = (properties: Record<string, any>) => {
    clientSecrets.push(properties.clientSecret);
    const { clientSecret: _secret, ...plain } = properties;
    leftBehind.push(JSON.stringify(plain));
  };
  const expectFailure = async (promise: Promise<unknown>) => {
    await promise.then(
      () => assert.fail("expected a failure"),
      (error: Error) => leftBehind.push(error.message),
    );
  };

  it("leaves no API key and no client secret anywhere, with every logging switch on", async () => {
    const created = await host.create(news());
    record(created.properties);

    ctx.emulator.inject({ kind: "status", status: 429, retryAfterMs: 10, on: "create" });
    const retried = await host.create(news());
    record(retried.properties);

    ctx.emulator.inject({ kind: "status", status: 500, on: "create" });
    await expectFailure(host.create(news()));
    ctx.emulator.inject({ kind: "dropAfterActing", on: "create" });
    await expectFailure(host.create(news()));
    ctx.emulator.inject({ kind: "notJsonAfterActing", on: "create" });
    await expectFailure(host.create(news()));
    await expectFailure(host.create(news({ workflow: { id: "missing" } })));
    await expectFailure(host.create(news({ expiresAfter: 5000 })));

    ctx.emulator.inject({ kind: "status", status: 503, on: "cancel" });
    await host.delete(created.id, created.properties);
    ctx.emulator.inject({ kind: "status", status: 403, on: "cancel" });
    await expectFailure(host.delete(retried.id, retried.properties));
    await host.delete(retried.id, retried.properties);

    // A key the API refuses: its masked fragment in the API's message must not come through.
    const refused = new SessionProvider({ env: { OPENAI_API_KEY: WRONG_KEY, OPENAI_BASE_URL: ctx.emulator.url } });
    await expectFailure(refused.create({ user: "u", workflow: { id: "wf_secret" } }));

    for (const session of ctx.emulator.listSessions()) clientSecrets.push(String(session.clientSecret));
    leftBehind.push(host.stderr(), host.stdout(), JSON.stringify(ctx.emulator.requests), emulatorLog.join("\n"));

    const everything = leftBehind.join("\n");
    const secrets = [API_KEY, WRONG_KEY, `${WRONG_KEY.slice(-4)}.`, ...clientSecrets.filter(Boolean)];
    assert.ok(clientSecrets.length >= 4);
    const hits = secrets.filter((secret) => everything.includes(secret));
    assert.deepEqual(hits, [], "secrets found in what the provider leaves behind");
    const fragmentHits = secrets.flatMap(fragments).filter((fragment) => everything.includes(fragment));
    assert.deepEqual(fragmentHits, [], "ten-character runs of a secret found in what the provider leaves behind");
    assert.match(host.stderr(), /may have been created but not recorded/, "warnings are logged and were scanned");
    assert.ok(
      host.stderr().length + host.stdout().length > 10_000,
      "the logging switches were on, and their output scanned",
    );
  });

  it("keeps every input's key path in the outputs, so a secret input stays secret", async () => {
    const lifecycle = new SessionProvider({ env: { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: ctx.emulator.url } });
    const inputs = fc.record(
      {
        user: fc.string({ minLength: 1, maxLength: 5 }),
        workflow: fc.record(
          {
            id: fc.constant("wf_paths"),
            version: fc.constantFrom("1", "2"),
            stateVariables: fc.dictionary(
              fc.string({ minLength: 1, maxLength: 6 }),
              fc.oneof(fc.string(), fc.boolean(), fc.integer()),
              {
                maxKeys: 5,
              },
            ),
            tracing: fc.record({ enabled: fc.boolean() }),
          },
          { requiredKeys: ["id"] },
        ),
        chatkitConfiguration: fc.record(
          {
            fileUpload: fc.record(
              { enabled: fc.boolean(), maxFileSize: fc.integer({ min: 1, max: 512 }) },
              { requiredKeys: [] },
            ),
            history: fc.record({ recentThreads: fc.integer({ min: 1, max: 9 }) }, { requiredKeys: [] }),
          },
          { requiredKeys: [] },
        ),
        expiresAfter: fc.oneof(
          fc.integer({ min: 100, max: 600 }),
          fc.record({ anchor: fc.constant("created_at"), seconds: fc.integer({ min: 100, max: 600 }) }),
        ),
        rateLimits: fc.record({ maxRequestsPer1Minute: fc.integer({ min: 1, max: 99 }) }),
        renewBefore: fc.integer({ min: 0, max: 99 }),
        triggers: fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), fc.string(), { maxKeys: 3 }),
      },
      { requiredKeys: ["user", "workflow"] },
    );
    await fc.assert(
      fc.asyncProperty(inputs, async (given) => {
        assert.deepEqual(validateInputs(given).failures, []);
        const { outs } = await lifecycle.create(given);
        for (const keys of leafPaths(given)) {
          assert.ok(hasPath(outs, keys), `output lacks ${keys.join(".")}`);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("never falls back to the environment's key or endpoint after a bad chatkit:* value, whatever the call", async () => {
    // The environment points at a working API with a valid key: a provider that fell back to it
    // would create sessions on the wrong account.
    const fallback = await startHost({
      cwd: REPO_ROOT,
      env: { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: ctx.emulator.url },
    });
    try {
      await fallback.configure({ "chatkit:apiKey": "sk-the-stack-key-000111", "chatkit:timeoutSeconds": "30s" });
      const requestsBefore = ctx.emulator.requests.length;
      const state = { __provider: provider, status: "active", expiresAt: Math.floor(Date.now() / 1000) + 300 };
      const messages: string[] = [];
      for (const call of [
        () => fallback.check({}, news()),
        () => fallback.check({}, news()),
        () => fallback.create(news()),
        () => fallback.delete("cksess_any", state),
        () => fallback.diff("cksess_any", { ...news(), ...state }, news()),
        () => fallback.read("cksess_any", state),
        () => fallback.update("cksess_any", { ...news(), ...state }, news()),
      ]) {
        messages.push(
          await call().then(
            () => "succeeded",
            (error: Error) => error.message,
          ),
        );
      }
      for (const message of messages)
        assert.match(
          message,
          /Stack config chatkit:timeoutSeconds must be a number above 0 to 3600 \(seconds per attempt\), got "30s"/,
        );
      assert.equal(ctx.emulator.requests.length, requestsBefore, "nothing was sent with the environment's key");
      assert.doesNotMatch(messages.join("\n") + fallback.stderr(), /sk-the-stack-key/);
    } finally {
      await fallback.close();
    }
  });

  it("refuses a misspelled chatkit:apikey through the host, instead of using the environment's key", async () => {
    const misspelled = await startHost({
      cwd: REPO_ROOT,
      env: { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: ctx.emulator.url },
    });
    try {
      await misspelled.configure({ "chatkit:apikey": "sk-the-stack-key-000222" });
      const requestsBefore = ctx.emulator.requests.length;
      for (const call of [() => misspelled.check({}, news()), () => misspelled.create(news())]) {
        await assert.rejects(call(), /chatkit:apikey is not a setting of this provider: did you mean chatkit:apiKey\?/);
      }
      assert.equal(ctx.emulator.requests.length, requestsBefore);
    } finally {
      await misspelled.close();
    }
  });
});
