import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fc from "fast-check";
import { type LifecycleOptions, SessionProvider } from "../../provider/lifecycle";
import { UNKNOWN } from "../../provider/unknown";
import { assertExpiresAfter, TEST_API_KEY, useEmulator } from "../helpers/emulator";
import { rejection } from "../helpers/rejection";

const inputs = { user: "user-1", workflow: { id: "wf_support" } };

describe("SessionProvider against the emulator", () => {
  const ctx = useEmulator();
  let clockMs: number;
  const lifecycle = (options: LifecycleOptions = {}) =>
    new SessionProvider({ env: ctx.env, now: () => clockMs, sleep: async () => {}, warn: () => {}, ...options });

  beforeEach(() => {
    clockMs = Date.now();
  });

  describe("check", () => {
    it("passes valid inputs through unchanged, without __provider", async () => {
      const result = await lifecycle().check({}, { ...inputs, __provider: "text" });
      assert.deepEqual(result, { inputs, failures: [] });
    });

    it("reports every failure with its camelCase path", async () => {
      const result = await lifecycle().check({}, { user: "", workflow: { id: "wf_1", stateVariables: { tier: [1] } } });
      assert.deepEqual(
        result.failures?.map((f) => f.property),
        ["user", "workflow.stateVariables.tier"],
      );
    });

    it("lets values that are unknown during preview pass", async () => {
      const result = await lifecycle().check({}, { user: UNKNOWN, workflow: { id: UNKNOWN }, expiresAfter: UNKNOWN });
      assert.deepEqual(result.failures, []);
    });
  });

  describe("create", () => {
    it("creates a session and records what the API resolved, defaults included", async () => {
      const before = ctx.emulator.nowSeconds();
      const { id, outs } = await lifecycle().create({
        ...inputs,
        workflow: { id: "wf_support", version: "3", stateVariables: { tier: "gold" } },
        chatkitConfiguration: { fileUpload: { enabled: true, maxFiles: 3 } },
        expiresAfter: 300,
        triggers: { rotation: "1" },
      });
      assert.match(id, /^cksess_/);
      assert.equal(outs.status, "active");
      assert.match(outs.clientSecret, /^ek_/);
      assertExpiresAfter(ctx.emulator, before, outs.expiresAt, 300);
      assert.deepEqual(outs.workflow, {
        id: "wf_support",
        version: "3",
        stateVariables: { tier: "gold" },
        tracing: { enabled: true },
      });
      assert.deepEqual(outs.chatkitConfiguration, {
        automaticThreadTitling: { enabled: true },
        fileUpload: { enabled: true, maxFileSize: 512, maxFiles: 3 },
        history: { enabled: true, recentThreads: null },
      });
      assert.deepEqual(outs.expiresAfter, { anchor: "created_at", seconds: 300 });
      assert.deepEqual(outs.rateLimits, { maxRequestsPer1Minute: 10 });
      assert.equal(outs.renewBefore, 30);
      assert.deepEqual(outs.triggers, { rotation: "1" });
    });

    it("sends only what the user gave, in snake_case", async () => {
      await lifecycle().create({
        ...inputs,
        chatkitConfiguration: { history: { recentThreads: 5 } },
        expiresAfter: 60,
      });
      const last = ctx.emulator.requests.at(-1);
      assert.deepEqual(last?.body, {
        user: "user-1",
        workflow: { id: "wf_support" },
        chatkit_configuration: { history: { recent_threads: 5 } },
        expires_after: { anchor: "created_at", seconds: 60 },
      });
    });

    it("names the request id and, for a missing workflow, the emulator's wf_ rule on errors, never the key", async () => {
      // A day before the Agent Builder shutdown: from 2026-11-30 a missing workflow is told as that instead.
      const beforeShutdown = Date.UTC(2026, 10, 29);
      const error = await rejection(
        lifecycle({ now: () => beforeShutdown }).create({ ...inputs, workflow: { id: "missing" } }),
      );
      assert.match(error.message, /HTTP 404/);
      assert.match(error.message, /request id req_/);
      // The emulator marks this 404 as its own assumption; an API's 404 gets the organization hint
      // (tests/provider/hints.test.ts).
      assert.match(error.message, /local ChatKit emulator's: it knows a workflow when its id starts with wf_/);
      assert.doesNotMatch(error.message, new RegExp(ctx.env.OPENAI_API_KEY as string));
    });
    it("never repeats a value it sent in an error: Pulumi does not say which inputs are secret", async () => {
      const given = {
        user: "alice-secret-user",
        workflow: { id: "secret-workflow-7f3a", stateVariables: { token: "tok-secret-value" } },
      };
      const error = await rejection(lifecycle().create(given));
      assert.match(error.message, /HTTP 404/);
      for (const value of [given.user, given.workflow.id, given.workflow.stateVariables.token]) {
        assert.ok(!error.message.includes(value), `${value} in: ${error.message}`);
      }
    });
  });

  describe("diff", () => {
    it("shows no change right after create, even with defaults written out", async () => {
      const { id, outs } = await lifecycle().create(inputs);
      const explicit = {
        ...inputs,
        workflow: { id: "wf_support", tracing: { enabled: true }, stateVariables: {} },
        chatkitConfiguration: { fileUpload: { enabled: false, maxFileSize: 512 }, history: { enabled: true } },
        expiresAfter: { anchor: "created_at", seconds: 600 },
        rateLimits: { maxRequestsPer1Minute: 10 },
        renewBefore: 60,
      };
      assert.deepEqual(await lifecycle().diff(id, outs, inputs), {
        changes: false,
        replaces: [],
        deleteBeforeReplace: false,
      });
      assert.equal((await lifecycle().diff(id, outs, explicit)).changes, false);
    });

    it("replaces on any change to what is sent, naming the keys", async () => {
      const { id, outs } = await lifecycle().create(inputs);
      const diff = await lifecycle().diff(id, outs, {
        ...inputs,
        user: "user-2",
        rateLimits: { maxRequestsPer1Minute: 20 },
      });
      assert.deepEqual(diff.replaces, ["user", "rateLimits"]);
      assert.equal(diff.deleteBeforeReplace, false);
    });

    it("replaces when triggers change", async () => {
      const { id, outs } = await lifecycle().create({ ...inputs, triggers: { run: "1" } });
      assert.deepEqual((await lifecycle().diff(id, outs, { ...inputs, triggers: { run: "2" } })).replaces, [
        "triggers",
      ]);
    });

    it("updates in place when only renewBefore changes", async () => {
      const { id, outs } = await lifecycle().create(inputs);
      assert.deepEqual(await lifecycle().diff(id, outs, { ...inputs, renewBefore: 120 }), {
        changes: true,
        replaces: [],
        deleteBeforeReplace: false,
      });
    });

    it("replaces a session within renewBefore of its expiry, and an expired one", async () => {
      const { id, outs } = await lifecycle().create({ ...inputs, expiresAfter: 300 });
      clockMs += (300 - 31) * 1000;
      assert.equal((await lifecycle().diff(id, outs, { ...inputs, expiresAfter: 300 })).changes, false);
      clockMs += 2000;
      assert.deepEqual((await lifecycle().diff(id, outs, { ...inputs, expiresAfter: 300 })).replaces, ["expiresAt"]);
      clockMs += 3600 * 1000;
      assert.deepEqual((await lifecycle().diff(id, outs, { ...inputs, expiresAfter: 300 })).replaces, ["expiresAt"]);
    });

    it("replaces a cancelled session", async () => {
      const { id, outs } = await lifecycle().create(inputs);
      assert.deepEqual((await lifecycle().diff(id, { ...outs, status: "cancelled" }, inputs)).replaces, ["expiresAt"]);
    });

    it("treats an unknown input as a change", async () => {
      const { id, outs } = await lifecycle().create(inputs);
      const diff = await lifecycle().diff(id, outs, { ...inputs, workflow: { id: UNKNOWN } });
      assert.deepEqual(diff.replaces, ["workflow"]);
      assert.equal((await lifecycle().diff(id, outs, { ...inputs, renewBefore: UNKNOWN })).changes, true);
    });

    it("during preview, replaces on a lifetime, rate limit or configuration not known yet, even one the defaults would match", async () => {
      const { id, outs } = await lifecycle().create(inputs);
      for (const key of ["expiresAfter", "rateLimits", "chatkitConfiguration"]) {
        const diff = await lifecycle().diff(id, outs, { ...inputs, [key]: UNKNOWN });
        assert.deepEqual(diff.replaces, [key]);
      }
    });

    it("replaces, rather than failing, when the state holds a value too deep to compare", async () => {
      const { id, outs } = await lifecycle().create({ ...inputs, triggers: { run: "1" } });
      let deep: unknown = "1";
      for (let level = 0; level < 100_000; level++) deep = { run: deep };
      const diff = await lifecycle().diff(id, { ...outs, triggers: deep }, { ...inputs, triggers: { run: "1" } });
      assert.deepEqual(diff.replaces, ["triggers"]);
    });

    it("makes no network call", async () => {
      const { id, outs } = await lifecycle().create(inputs);
      const before = ctx.emulator.requests.length;
      await lifecycle().diff(id, outs, { ...inputs, user: "other" });
      await lifecycle().check({}, inputs);
      assert.equal(ctx.emulator.requests.length, before);
    });
  });

  describe("read", () => {
    it("returns a live session unchanged", async () => {
      const { id, outs } = await lifecycle().create(inputs);
      assert.deepEqual(await lifecycle().read(id, { ...outs, __provider: "x" }), { id, props: outs });
    });

    it("marks an expired session expired and keeps it, so that the next up replaces and cancels it", async () => {
      const { id, outs } = await lifecycle().create({ ...inputs, expiresAfter: 10 });
      clockMs += 9_000;
      assert.deepEqual(await lifecycle().read(id, outs), { id, props: outs });
      clockMs += 2_000;
      assert.deepEqual(await lifecycle().read(id, outs), { id, props: { ...outs, status: "expired" } });
      const diff = await lifecycle().diff(id, { ...outs, status: "expired" }, { ...inputs, expiresAfter: 10 });
      assert.deepEqual(diff.replaces, ["expiresAt"]);
    });

    it("keeps a session recorded as cancelled or expired as it is, with no warning: the next up replaces it", async () => {
      const { id, outs } = await lifecycle().create(inputs);
      const warnings: string[] = [];
      for (const status of ["cancelled", "expired"]) {
        const ended = { ...outs, status };
        assert.deepEqual(await lifecycle({ warn: (message) => warnings.push(message) }).read(id, ended), {
          id,
          props: ended,
        });
        assert.deepEqual((await lifecycle().diff(id, ended, inputs)).replaces, ["expiresAt"]);
      }
      assert.deepEqual(warnings, []);
    });
  });

  describe("states written by hand or by an older version", () => {
    // Each shape is kept by refresh, replaced by the next up, and cancelled by delete: a session that
    // may be live is never dropped from the state without its cancel.
    const shapes: [string, (outs: Record<string, unknown>) => Record<string, unknown>, unknown][] = [
      ["status missing", ({ status: _status, ...rest }) => rest, "replace"],
      ["expiresAt as a numeric string", (outs) => ({ ...outs, expiresAt: String(outs.expiresAt) }), "keep"],
      [
        "expiresAt as a date string",
        (outs) => ({ ...outs, expiresAt: new Date(Number(outs.expiresAt) * 1000).toISOString() }),
        "keep",
      ],
      ["expiresAt in milliseconds", (outs) => ({ ...outs, expiresAt: Number(outs.expiresAt) * 1000 }), "keep"],
      ["expiresAt missing", ({ expiresAt: _at, ...rest }) => rest, "replace"],
      ["expiresAt 0, no time after 1970", (outs) => ({ ...outs, expiresAt: 0 }), "replace"],
      ["expiresAt negative", (outs) => ({ ...outs, expiresAt: -5 }), "replace"],
      ["expiresAt a blank string", (outs) => ({ ...outs, expiresAt: "  " }), "replace"],
      ["only __provider", () => ({ __provider: "x" }), "replace"],
    ];
    for (const [name, reshape, decision] of shapes) {
      it(`${name}: ${decision === "keep" ? "read as seconds, and kept while live" : "replaced by the next up"}; refresh keeps it; delete cancels it`, async () => {
        const warnings: string[] = [];
        const { id, outs } = await lifecycle().create(inputs);
        const state = reshape(outs);
        const diff = await lifecycle().diff(id, state, inputs);
        if (decision === "keep") assert.deepEqual(diff.replaces, []);
        else assert.ok(diff.replaces?.includes("expiresAt"), String(diff.replaces));
        const read = await lifecycle({ warn: (message) => warnings.push(message) }).read(id, state);
        assert.equal(read.id, id);
        if (decision === "keep") {
          assert.equal(read.props?.expiresAt, outs.expiresAt);
          assert.deepEqual(warnings, []);
        } else {
          assert.match(warnings.join("\n"), /is not known\. It is kept; the next pulumi up replaces it and cancels it/);
        }
        await lifecycle().delete(id, state);
        assert.equal(ctx.emulator.session(id)?.status, "cancelled");
      });
    }

    it("never drops a session from the state on refresh, and always sends the cancel on delete, whatever the state holds", async () => {
      await fc.assert(
        fc.asyncProperty(fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 })), async (state) => {
          const read = await lifecycle().read("cksess_any", state);
          assert.equal(read.id, "cksess_any");
          const before = ctx.emulator.requests.length;
          await lifecycle().delete("cksess_any", state);
          assert.equal(ctx.emulator.requests.length, before + 1);
        }),
        { numRuns: 40 },
      );
    });
  });

  describe("update", () => {
    it("records the new renewBefore and keeps everything else", async () => {
      const { id, outs } = await lifecycle().create(inputs);
      const { outs: updated } = await lifecycle().update(
        id,
        { ...outs, __provider: "x" },
        { ...inputs, renewBefore: 200 },
      );
      assert.deepEqual(updated, { ...outs, renewBefore: 200 });
    });
  });

  describe("delete", () => {
    it("cancels the session, and a second delete is still done", async () => {
      const { id, outs } = await lifecycle().create(inputs);
      await lifecycle().delete(id, outs);
      assert.equal(ctx.emulator.session(id)?.status, "cancelled");
      await lifecycle().delete(id, outs);
    });

    it("names every difference, one after the other, when the cancel goes elsewhere in more than one way", async () => {
      const { id, outs } = await lifecycle().create(inputs);
      const elsewhere = { ...outs, apiEndpoint: { ...outs.apiEndpoint, baseUrl: "http://127.0.0.1:1/v1" } };
      const otherKey = lifecycle({ env: { ...ctx.env, OPENAI_API_KEY: "sk-other-key-0123456789" } });
      const error = await rejection(otherKey.delete(id, elsewhere));
      const now = String(ctx.env.OPENAI_BASE_URL).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      assert.match(
        error.message,
        new RegExp(
          `\\(the base URL: http://127\\.0\\.0\\.1:1/v1 at create, ${now} now; the API key \\(by fingerprint\\): "[0-9a-f]{12}" at create, "[0-9a-f]{12}" now\\)`,
        ),
      );
      assert.equal(ctx.emulator.session(id)?.status, "active");
    });

    it("counts an unknown session (404) as done", async () => {
      await lifecycle().delete("cksess_never_existed", { status: "active", expiresAt: Date.now() / 1000 + 60 });
    });

    it("sends the cancel whatever the state and the clock say", async () => {
      // This machine's clock an hour ahead: by it, the session looks long expired, but it is live.
      const { id, outs } = await lifecycle().create(inputs);
      clockMs += 3600_000;
      await lifecycle().delete(id, { ...outs, status: "cancelled" });
      assert.equal(ctx.emulator.session(id)?.status, "cancelled");
      const before = ctx.emulator.requests.length;
      await lifecycle().delete("cksess_y", { status: "active", expiresAt: clockMs / 1000 - 3600 });
      assert.equal(ctx.emulator.requests.length, before + 1);
    });

    it("fails on any other error, so the resource stays in state", async () => {
      const { id, outs } = await lifecycle().create(inputs);
      const wrongKey = lifecycle({ env: { ...ctx.env, OPENAI_API_KEY: "revoked-key-000000" } });
      await assert.rejects(wrongKey.delete(id, outs), /HTTP 401/);
      assert.equal(ctx.emulator.session(id)?.status, "active");
    });

    it("refuses inputs that check never accepted, with a clear message and nothing sent", async () => {
      const sentBefore = ctx.emulator.requests.length;
      for (const given of [
        null,
        "user-1",
        { user: "user-1" },
        { workflow: { id: "wf_1" } },
        { user: 1, workflow: {} },
      ]) {
        await assert.rejects(
          lifecycle().create(given as never),
          /^Error: Invalid ChatKitSession inputs: user and workflow.id must be strings \(run check first\)$/,
          JSON.stringify(given),
        );
      }
      assert.equal(ctx.emulator.requests.length, sentBefore);
    });

    it("records where the session lives: endpoint, organization, project and a key fingerprint, never the key", async () => {
      const { outs } = await lifecycle({ env: { ...ctx.env, OPENAI_PROJECT_ID: "proj_1" } }).create(inputs);
      const fingerprint = createHash("sha256").update(TEST_API_KEY).digest("hex").slice(0, 12);
      assert.deepEqual(outs.apiEndpoint, {
        baseUrl: ctx.env.OPENAI_BASE_URL,
        organization: null,
        project: "proj_1",
        keyFingerprint: fingerprint,
      });
      assert.ok(!JSON.stringify(outs).includes(TEST_API_KEY));
    });

    it("does not count another key's or endpoint's 404 as done: the session is live, so the delete fails", async () => {
      const { id, outs } = await lifecycle().create(inputs);
      const otherKey = "sk-other-key-0123456789";
      const error = await rejection(lifecycle({ env: { ...ctx.env, OPENAI_API_KEY: otherKey } }).delete(id, outs));
      assert.equal(ctx.emulator.session(id)?.status, "active");
      assert.match(error.message, /not found/);
      assert.match(error.message, /the API key \(by fingerprint\): "[0-9a-f]{12}" at create, "[0-9a-f]{12}" now/);
      assert.match(error.message, /does not prove that it is gone/);
      assert.match(error.message, /pulumi state delete <urn>/);
      assert.ok(!error.message.includes(otherKey) && !error.message.includes(TEST_API_KEY), error.message);
      // The same session recorded on another endpoint (its path differs): the message names it.
      const elsewhere = { ...outs, apiEndpoint: { ...outs.apiEndpoint, baseUrl: "http://127.0.0.1:1/v1" } };
      await assert.rejects(
        lifecycle().delete("cksess_never_existed", elsewhere),
        /the base URL: http:\/\/127\.0\.0\.1:1\/v1 at create/,
      );
      // From where it was created, the cancel goes through.
      await lifecycle().delete(id, outs);
      assert.equal(ctx.emulator.session(id)?.status, "cancelled");
    });

    it("keeps a live session when its apiEndpoint record is malformed and destroy points at another key", async () => {
      const otherKey = lifecycle({ env: { ...ctx.env, OPENAI_API_KEY: "sk-other-key-0123456789" } });
      const { id, outs } = await lifecycle().create(inputs);
      const { keyFingerprint: _fingerprint, ...withoutFingerprint } = outs.apiEndpoint;
      for (const malformed of [
        null,
        {},
        { ...outs.apiEndpoint, keyFingerprint: null },
        withoutFingerprint,
        { ...outs.apiEndpoint, baseUrl: 8787 },
        JSON.stringify(outs.apiEndpoint),
        [outs.apiEndpoint],
        "",
      ]) {
        const error = await rejection(otherKey.delete(id, { ...outs, apiEndpoint: malformed }));
        assert.match(error.message, /\(apiEndpoint\) cannot be read/, JSON.stringify(malformed));
        assert.equal(ctx.emulator.session(id)?.status, "active", JSON.stringify(malformed));
      }
    });

    it("keeps 0.1.0's rule for a state without the record: a 404 is done", async () => {
      const { id, outs } = await lifecycle().create(inputs);
      const { apiEndpoint: _none, ...older } = outs;
      await lifecycle({ env: { ...ctx.env, OPENAI_API_KEY: "sk-other-key-0123456789" } }).delete(id, older);
    });
  });

  describe("configuration", () => {
    it("reads the environment at each call: a key, project or endpoint changed between two creates is the one used", async () => {
      const env = { ...ctx.env };
      const session = lifecycle({ env });
      const first = await session.create(inputs);
      env.OPENAI_API_KEY = "sk-rotated-0123456789";
      env.OPENAI_PROJECT_ID = "proj_second";
      const second = await session.create(inputs);
      const fingerprint = (key: string) => createHash("sha256").update(key).digest("hex").slice(0, 12);
      assert.equal(first.outs.apiEndpoint.keyFingerprint, fingerprint(TEST_API_KEY));
      assert.deepEqual(
        [second.outs.apiEndpoint.keyFingerprint, second.outs.apiEndpoint.project],
        [fingerprint("sk-rotated-0123456789"), "proj_second"],
      );
      const sent = ctx.emulator.requests.filter((request) => request.method === "POST").at(-1);
      assert.equal(sent?.headers["openai-project"], "proj_second");
      env.OPENAI_BASE_URL = "http://127.0.0.1:1/v1";
      await assert.rejects(session.create(inputs), /127\.0\.0\.1:1/);
      delete env.OPENAI_API_KEY;
      await assert.rejects(session.create(inputs), /No OpenAI API key/);
    });

    it("keeps each provider to its own environment, whatever another provider in the process was given", async () => {
      const fingerprint = (key: string) => createHash("sha256").update(key).digest("hex").slice(0, 12);
      const mine = lifecycle({ env: { ...ctx.env } });
      const other = lifecycle({
        env: { ...ctx.env, OPENAI_API_KEY: "sk-other-0123456789", OPENAI_PROJECT_ID: "proj_o" },
      });
      for (let round = 0; round < 2; round++) {
        const [a, b] = [await mine.create(inputs), await other.create(inputs)];
        assert.deepEqual(
          [a.outs.apiEndpoint.keyFingerprint, a.outs.apiEndpoint.project],
          [fingerprint(TEST_API_KEY), null],
        );
        assert.deepEqual(
          [b.outs.apiEndpoint.keyFingerprint, b.outs.apiEndpoint.project],
          [fingerprint("sk-other-0123456789"), "proj_o"],
        );
      }
    });

    it("prefers stack config over the environment", async () => {
      const provider = lifecycle({
        env: { OPENAI_API_KEY: "sk-from-env-but-wrong", OPENAI_BASE_URL: "http://127.0.0.1:9/v1" },
      });
      const config: Record<string, string> = {
        "chatkit:apiKey": "sk-from-stack-config",
        "chatkit:baseUrl": ctx.emulator.url,
      };
      await provider.configure({ config: { get: (key: string) => config[key] } });
      const { id } = await provider.create(inputs);
      assert.match(id, /^cksess_/);
    });

    it("fails every later call with the same message after a bad value, never falling back to the environment", async () => {
      const before = ctx.emulator.requests.length;
      const provider = lifecycle();
      const config: Record<string, string> = { "chatkit:apiKey": "sk-stack-key-0001", "chatkit:timeoutSeconds": "30s" };
      const refused = await rejection(provider.configure({ config: { get: (key: string) => config[key] } }));
      assert.match(
        refused.message,
        /chatkit:timeoutSeconds must be a number above 0 to 3600 \(seconds per attempt\), got "30s"/,
      );
      const state = { status: "active", expiresAt: clockMs / 1000 + 300, renewBefore: 30 };
      const calls: [string, () => Promise<unknown>][] = [
        ["check", () => provider.check({}, inputs)],
        ["create", () => provider.create(inputs)],
        ["create with inputs check would refuse", () => provider.create({ user: 1 })],
        ["delete", () => provider.delete("cksess_any", state)],
        ["read", () => provider.read("cksess_any", state)],
        ["diff", () => provider.diff("cksess_any", { ...inputs, ...state }, inputs)],
        ["update", () => provider.update("cksess_any", { ...inputs, ...state }, inputs)],
      ];
      for (const [name, call] of calls) {
        const error = await rejection(call());
        assert.equal(error.message, refused.message, name);
      }
      assert.equal(ctx.emulator.requests.length, before, "nothing reached the environment's endpoint");
      const fixed: Record<string, string> = { "chatkit:apiKey": TEST_API_KEY, "chatkit:baseUrl": ctx.emulator.url };
      await provider.configure({ config: { get: (key: string) => fixed[key] } });
      assert.match((await provider.create(inputs)).id, /^cksess_/);
    });

    it("refuses a key the environment gives with a line break, naming the variable and not the key", async () => {
      const provider = lifecycle({ env: { ...ctx.env, OPENAI_API_KEY: "sk-env-key-123456\n" } });
      const error = await rejection(provider.create(inputs));
      assert.match(error.message, /The API key \(from environment variable OPENAI_API_KEY\) holds a line break/);
      assert.doesNotMatch(error.message, /sk-env|123456/);
    });

    it("writes its warnings to stderr, one line each, when no warn is given", async () => {
      const written: string[] = [];
      const write = process.stderr.write;
      process.stderr.write = ((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      }) as typeof process.stderr.write;
      try {
        await new SessionProvider({ env: ctx.env }).read("cksess_stderr", { expiresAt: 2_000_000_000 });
      } finally {
        process.stderr.write = write;
      }
      const ours = written.filter((text) => text.includes("cksess_stderr"));
      assert.equal(ours.length, 1, written.join(""));
      assert.match(ours[0]!, /^warning: The state of ChatKit session cksess_stderr records no status that can be read/);
      assert.ok(ours[0]!.endsWith("pulumi destroy cancels it.\n"), ours[0]);
    });

    it("says where to put a key when there is none", async () => {
      await assert.rejects(lifecycle({ env: {} }).create(inputs), /chatkit:apiKey .*OPENAI_API_KEY/);
    });
  });
});

describe("SessionProvider at the exact edges of time", () => {
  const ctx = useEmulator();
  /** A recorded expiry, in whole seconds as the API gives it; the lifecycles below stand at fixed times. */
  const EXPIRES_AT = 2_000_000_000;
  const at = (seconds: number, options: LifecycleOptions = {}) =>
    new SessionProvider({
      env: ctx.env,
      now: () => seconds * 1000,
      sleep: async () => {},
      warn: () => {},
      ...options,
    });
  let state: Record<string, unknown>;

  before(async () => {
    const { outs } = await new SessionProvider({ env: ctx.env, warn: () => {} }).create(inputs);
    // Recorded by a machine whose clock agreed with the API's, renewing 30 s before the end.
    state = { ...outs, expiresAt: EXPIRES_AT, apiClockOffset: 0, renewBefore: 30 };
  });
  const news = { ...inputs, renewBefore: 30 };

  it("renews a session exactly renewBefore seconds before its expiry, and not a millisecond sooner", async () => {
    assert.deepEqual((await at(EXPIRES_AT - 30).diff("cksess_edge", state, news)).replaces, ["expiresAt"]);
    assert.deepEqual(await at(EXPIRES_AT - 30.001).diff("cksess_edge", state, news), {
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("reads a session as expired from the second it expires, and as live until then", async () => {
    assert.equal((await at(EXPIRES_AT).read("cksess_edge", state)).props?.status, "expired");
    assert.deepEqual(await at(EXPIRES_AT - 0.001).read("cksess_edge", state), { id: "cksess_edge", props: state });
  });

  it("while renewBefore is not known yet (preview), renews by the one recorded", async () => {
    const unknownRenewal = { ...inputs, renewBefore: UNKNOWN };
    assert.deepEqual(await at(EXPIRES_AT - 30).diff("cksess_edge", state, unknownRenewal), {
      changes: true,
      replaces: ["expiresAt"],
      deleteBeforeReplace: false,
    });
    assert.deepEqual(await at(EXPIRES_AT - 30.001).diff("cksess_edge", state, unknownRenewal), {
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("marks only an active session expired: a cancelled one stays cancelled past its expiry", async () => {
    const cancelled = { ...state, status: "cancelled" };
    assert.deepEqual(await at(EXPIRES_AT + 60).read("cksess_edge", cancelled), { id: "cksess_edge", props: cancelled });
  });

  it("keeps an expiry it cannot read as it was written", async () => {
    const unreadable = { ...state, expiresAt: "soon" };
    assert.deepEqual(await at(EXPIRES_AT + 60).read("cksess_edge", unreadable), {
      id: "cksess_edge",
      props: unreadable,
    });
  });

  it("names what the state lacks when refresh cannot tell whether a session is live", async () => {
    const warned = async (recorded: Record<string, unknown>) => {
      const warnings: string[] = [];
      await at(EXPIRES_AT - 60, { warn: (message) => warnings.push(message) }).read("cksess_edge", recorded);
      return warnings;
    };
    const { status: _status, ...noStatus } = state;
    const { expiresAt: _expiresAt, ...noExpiry } = state;
    assert.match((await warned(noStatus)).join(), /^The state of ChatKit session cksess_edge records no status that/);
    assert.match((await warned(noExpiry)).join(), /^The state of ChatKit session cksess_edge records no expiry that/);
    assert.deepEqual(await warned({ ...state, status: "paused" }), await warned(noStatus));
    assert.deepEqual(await warned(state), []);
  });

  it("goes by the API's clock recorded with the session, not this machine's", async () => {
    // The API's clock was 100 s ahead when the session was created: at this machine's
    // EXPIRES_AT - 100 the API's time is EXPIRES_AT, so the session has expired.
    const ahead = { ...state, apiClockOffset: 100 };
    assert.equal((await at(EXPIRES_AT - 100).read("cksess_edge", ahead)).props?.status, "expired");
    assert.equal((await at(EXPIRES_AT - 100.001).read("cksess_edge", ahead)).props?.status, "active");
    assert.deepEqual((await at(EXPIRES_AT - 130).diff("cksess_edge", ahead, news)).replaces, ["expiresAt"]);
    assert.equal((await at(EXPIRES_AT - 130.001).diff("cksess_edge", ahead, news)).changes, false);
  });
});

describe("SessionProvider: what a failed create says about the session it may have left", () => {
  const ctx = useEmulator();
  const NOW_MS = Date.UTC(2030, 0, 2, 3, 4, 5);
  let warnings: string[];
  const lifecycle = () =>
    new SessionProvider({
      env: ctx.env,
      now: () => NOW_MS,
      sleep: async () => {},
      random: () => 0.5,
      warn: (message) => warnings.push(message),
    });

  beforeEach(() => {
    ctx.emulator.clearFaults();
    warnings = [];
  });

  it("gives the time by which an unrecorded session expires: now plus its lifetime", async () => {
    ctx.emulator.inject({ kind: "status", status: 500, on: "create" });
    const error = await rejection(lifecycle().create({ ...inputs, expiresAfter: 120 }));
    const expiresBy = new Date(NOW_MS + 120_000).toISOString();
    assert.equal(expiresBy, "2030-01-02T03:06:05.000Z");
    assert.match(error.message, new RegExp(`it expires by ${expiresBy.replace(/\./g, "\\.")} \\(at most 120 s\\)`));
    assert.equal(warnings.length, 1);
    assert.ok(error.message.endsWith(warnings[0]!), "the warning is also the end of the error");
  });

  it("warns, with the lifetime, when the cancel of a created but unreadable session fails", async () => {
    ctx.emulator.inject({ kind: "partialAfterActing", on: "create" });
    ctx.emulator.inject({ kind: "status", status: 403, on: "cancel" });
    const error = await rejection(lifecycle().create({ ...inputs, expiresAfter: 90 }));
    const [created] = ctx.emulator.listSessions().slice(-1);
    assert.equal(ctx.emulator.session(created!.id)?.status, "active");
    assert.match(
      error.message,
      new RegExp(
        `did create session ${created!.id} but its answer could not be read, so cancelling it failed; it stays active until it expires, at most 90 s from now\\. Running pulumi up again is safe\\.`,
      ),
    );
    assert.deepEqual(warnings, [error.message]);
  });
});
