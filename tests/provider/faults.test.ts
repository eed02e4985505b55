import * as assert from "node:assert/strict";
import { SessionProvider } from "../../provider/lifecycle";
import { useEmulator } from "../helpers/emulator";
import { freePort } from "../helpers/ports";
import { rejection } from "../helpers/rejection";

const inputs = { user: "fault-user", workflow: { id: "wf_faults" }, expiresAfter: 120 };

describe("the provider under injected faults", () => {
  const ctx = useEmulator();
  let waits: number[];
  let warnings: string[];
  let virtualMs: number;

  /** A lifecycle whose waits are recorded on a virtual clock instead of slept. */
  async function lifecycle(config: Record<string, string> = {}) {
    const provider = new SessionProvider({
      env: ctx.env,
      now: () => virtualMs,
      sleep: async (ms) => {
        waits.push(ms);
        virtualMs += ms;
      },
      random: () => 0.5,
      warn: (message) => warnings.push(message),
    });
    await provider.configure({ config: { get: (key: string) => config[key] } });
    return provider;
  }
  const createdSince = (before: number) => ctx.emulator.stats.created - before;

  beforeEach(() => {
    ctx.emulator.clearFaults();
    waits = [];
    warnings = [];
    virtualMs = Date.now();
  });

  describe("create", () => {
    it("honours Retry-After in seconds on a 429, then creates exactly once", async () => {
      const before = ctx.emulator.stats.created;
      ctx.emulator.inject({ kind: "status", status: 429, retryAfterSeconds: 2, on: "create" });
      const { id } = await (await lifecycle()).create(inputs);
      // The server's wait plus jitter (random 0.5: half of a 0.4 s spread), never less than asked.
      assert.deepEqual(waits, [2200]);
      assert.equal(createdSince(before), 1);
      assert.equal(ctx.emulator.session(id)?.user, "fault-user");
    });

    it("prefers retry-after-ms where it is sent", async () => {
      ctx.emulator.inject({ kind: "status", status: 429, retryAfterSeconds: 2, retryAfterMs: 1500, on: "create" });
      await (await lifecycle()).create(inputs);
      assert.deepEqual(waits, [1650]);
    });

    it("retries a 429 without Retry-After with capped exponential backoff and jitter", async () => {
      const before = ctx.emulator.stats.created;
      ctx.emulator.inject({ kind: "status", status: 429, on: "create", times: 3 });
      await (await lifecycle()).create(inputs);
      assert.deepEqual(waits, [437.5, 875, 1750]);
      assert.equal(createdSince(before), 1);
    });

    for (const status of [502, 503, 504]) {
      it(`does not retry a ${status} (a gateway may have forwarded the create), and warns`, async () => {
        ctx.emulator.inject({ kind: "status", status, on: "create" });
        const error = await rejection((await lifecycle()).create(inputs));
        assert.match(error.message, new RegExp(`failed after 1 attempt: HTTP ${status}`));
        assert.match(error.message, /may have been created but not recorded/);
        assert.equal(warnings.length, 1);
        assert.deepEqual(waits, []);
      });
    }

    it("gives up after the configured retries, saying how many attempts were made", async () => {
      ctx.emulator.inject({ kind: "status", status: 429, on: "create", times: 3 });
      const provider = await lifecycle({ "chatkit:maxRetries": "2" });
      await assert.rejects(provider.create(inputs), /gave up after 3 attempts: HTTP 429/);
    });

    it("stops at once when Retry-After is beyond the retry budget", async () => {
      ctx.emulator.inject({ kind: "status", status: 429, retryAfterSeconds: 120, on: "create" });
      const started = Date.now();
      await assert.rejects(
        (await lifecycle()).create(inputs),
        /the API asked to wait 120 s before retrying, longer than the whole 90 s retry budget \(chatkit:retryBudgetSeconds\)\) after 1 attempt: HTTP 429[\s\S]*Still rate limited after 1 attempt\./,
      );
      assert.deepEqual(waits, []);
      assert.ok(Date.now() - started < 5000);
    });

    it("keeps every retry within the total budget", async () => {
      ctx.emulator.inject({ kind: "status", status: 429, on: "create", times: 50 });
      const provider = await lifecycle({ "chatkit:maxRetries": "50", "chatkit:retryBudgetSeconds": "20" });
      const started = virtualMs;
      await assert.rejects(provider.create(inputs), /retry budget \(chatkit:retryBudgetSeconds\) is spent/);
      assert.ok(virtualMs - started <= 20_000, `${virtualMs - started} ms`);
      assert.ok(waits.length >= 3);
    });

    it("does not retry a 500, and warns that a session may exist", async () => {
      ctx.emulator.inject({ kind: "status", status: 500, on: "create" });
      const error = await rejection((await lifecycle()).create(inputs));
      assert.match(error.message, /failed after 1 attempt: HTTP 500/);
      assert.match(error.message, /may have been created but not recorded/);
      assert.equal(warnings.length, 1);
      assert.deepEqual(waits, []);
    });

    it("does not retry a dropped connection, and reports the session the API did create", async () => {
      const before = ctx.emulator.stats.created;
      ctx.emulator.inject({ kind: "dropAfterActing", on: "create" });
      const error = await rejection((await lifecycle()).create(inputs));
      assert.match(error.message, /may have been created but not recorded.*expires by/s);
      assert.equal(createdSince(before), 1, "the exposure: exactly one session, unrecorded, until it expires");
      assert.equal(warnings.length, 1);
    });

    it("does not retry a connection dropped before the API acted either (it cannot tell)", async () => {
      const before = ctx.emulator.stats.created;
      ctx.emulator.inject({ kind: "drop", on: "create" });
      await assert.rejects((await lifecycle()).create(inputs), /may have been created/);
      assert.equal(createdSince(before), 0);
    });

    it("times out a request that never answers, without retrying it", async () => {
      ctx.emulator.inject({ kind: "hang", on: "create" });
      const started = Date.now();
      const error = await rejection((await lifecycle({ "chatkit:timeoutSeconds": "0.3" })).create(inputs));
      assert.match(error.message, /no answer within 0\.3 s/);
      assert.match(error.message, /may have been created/);
      assert.ok(Date.now() - started < 3000);
    });

    it("waits for a slow answer that comes within the timeout", async () => {
      ctx.emulator.inject({ kind: "latency", delayMs: 300, on: "create" });
      const { id } = await (await lifecycle({ "chatkit:timeoutSeconds": "2" })).create(inputs);
      assert.match(id, /^cksess_/);
    });

    it("reports an answer that is not JSON as a possible unrecorded session", async () => {
      const before = ctx.emulator.stats.created;
      ctx.emulator.inject({ kind: "notJsonAfterActing", on: "create" });
      const error = await rejection((await lifecycle()).create(inputs));
      assert.match(error.message, /not a ChatKit session/);
      assert.match(error.message, /may have been created but not recorded/);
      assert.equal(createdSince(before), 1);
    });

    it("cancels at once a session the API created when its answer cannot be read", async () => {
      const before = ctx.emulator.stats.created;
      ctx.emulator.inject({ kind: "partialAfterActing", on: "create" });
      const error = await rejection((await lifecycle()).create(inputs));
      const [created] = ctx.emulator.listSessions().slice(-1);
      assert.equal(createdSince(before), 1);
      assert.match(error.message, new RegExp(`did create session ${created?.id} .* it was cancelled at once`));
      assert.equal(ctx.emulator.session(created!.id)?.status, "cancelled");
      assert.equal((error as { status?: number }).status, undefined);
      assert.deepEqual(warnings, []);
    });

    it("retries the cancel of such a session within what is left of the create's budget", async () => {
      ctx.emulator.inject({ kind: "partialAfterActing", on: "create" });
      ctx.emulator.inject({ kind: "status", status: 503, on: "cancel" });
      const error = await rejection((await lifecycle()).create(inputs));
      const [created] = ctx.emulator.listSessions().slice(-1);
      assert.match(error.message, new RegExp(`did create session ${created?.id} .* it was cancelled at once`));
      assert.equal(ctx.emulator.session(created!.id)?.status, "cancelled");
      assert.deepEqual(waits, [437.5]);
    });

    it("retries a connection that could not be opened (nothing was sent)", async () => {
      // A port nothing listens on: a fixed one in the ephemeral range may be any process's.
      const port = await freePort();
      const provider = await lifecycle({ "chatkit:baseUrl": `http://127.0.0.1:${port}/v1`, "chatkit:maxRetries": "1" });
      const error = await rejection(provider.create(inputs));
      assert.match(error.message, /gave up after 2 attempts/);
      assert.doesNotMatch(error.message, /may have been created/);
      assert.ok(error.message.includes(`Could not talk to http://127.0.0.1:${port}`), error.message);
    });
  });

  describe("delete", () => {
    async function live() {
      const provider = await lifecycle();
      const { id, outs } = await provider.create(inputs);
      return { provider, id, outs };
    }
    const status = (id: string) => ctx.emulator.session(id)?.status;

    it("retries a 500, a dropped connection and an answer that is not JSON", async () => {
      for (const fault of [
        { kind: "status", status: 500 },
        { kind: "drop" },
        { kind: "notJsonAfterActing" },
      ] as const) {
        const { provider, id, outs } = await live();
        ctx.emulator.inject({ ...fault, on: "cancel" });
        await provider.delete(id, outs);
        assert.equal(status(id), "cancelled", fault.kind);
      }
    });

    it("retries a cancel that timed out", async () => {
      const { id, outs } = await live();
      ctx.emulator.inject({ kind: "hang", on: "cancel" });
      await (await lifecycle({ "chatkit:timeoutSeconds": "0.3" })).delete(id, outs);
      assert.equal(status(id), "cancelled");
    });

    it("counts a session that expired on the server as done", async () => {
      const { provider, id, outs } = await live();
      ctx.emulator.advanceClock(130);
      await provider.delete(id, outs);
      assert.equal(status(id), "expired");
      ctx.emulator.advanceClock(-130);
    });

    it("fails on a permanent error, leaving the resource in state", async () => {
      const { provider, id, outs } = await live();
      ctx.emulator.inject({ kind: "status", status: 403, on: "cancel" });
      await assert.rejects(provider.delete(id, outs), /HTTP 403/);
      assert.equal(status(id), "active");
      assert.deepEqual(waits, []);
    });
  });
});
