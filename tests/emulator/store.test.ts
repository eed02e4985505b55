import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { Clock } from "../../emulator/clock";
import { type Session, type SessionSnapshot, toWire } from "../../emulator/session";
import { type Counters, SessionStore } from "../../emulator/store";
import { useEmulator } from "../helpers/emulator";
import { call } from "./call";

const MiB = 1024 * 1024;
const counters = (): Counters => ({ created: 0, cancelled: 0, faults: {}, rateLimited: 0 });
const body = (user: string, chars = 0) => ({
  user,
  workflow: { id: "wf_1", ...(chars ? { state_variables: { big: "x".repeat(chars) } } : {}) },
});
/** The bytes of the sessions' answers as JSON, with their secrets, as the store counts them. */
const jsonBytes = (sessions: (Session | SessionSnapshot)[]) =>
  sessions.reduce((sum, session) => sum + Buffer.byteLength(JSON.stringify(toWire(session, "active"))), 0);

describe("the emulator's session store", () => {
  describe("at its default byte limit", () => {
    const ctx = useEmulator({});
    const create = (user: string) =>
      // 15 MiB of state variables, in two values under the schema's 10,485,760-character limit.
      call(`${ctx.emulator.url}/chatkit/sessions`, "POST", {
        user,
        workflow: { id: "wf_1", state_variables: { a: "x".repeat(7.5 * MiB), b: "y".repeat(7.5 * MiB) } },
      });

    it("keeps at most 64 MiB of sessions: refuses the fifth 15 MiB create with 429, then stores it once the others are cancelled", async function () {
      this.timeout(60_000);
      const made: string[] = [];
      for (let i = 0; i < 4; i++) {
        const answer = await create(`big-${i}`);
        assert.equal(answer.status, 200);
        made.push(answer.json.id);
      }
      const refused = await create("big-4");
      assert.equal(refused.status, 429);
      assert.equal(refused.json.error.code, "session_store_full");
      assert.equal(refused.json.error.type, "requests");
      assert.match(refused.json.error.message, /at most 67108864 bytes/);
      assert.match(refused.headers.get("retry-after") ?? "", /^\d+$/);
      assert.ok(Number(refused.headers.get("retry-after")) <= 600);
      assert.equal(ctx.emulator.listSessions().length, 4, "nothing stored for the refused create");
      assert.ok(jsonBytes(ctx.emulator.listSessions()) <= 64 * MiB);

      for (const id of made)
        assert.equal((await call(`${ctx.emulator.url}/chatkit/sessions/${id}/cancel`, "POST")).status, 200);
      const after = await create("big-5");
      assert.equal(after.status, 200, "ended sessions make room");
      assert.ok(jsonBytes(ctx.emulator.listSessions()) <= 64 * MiB);
      assert.ok(ctx.emulator.session(after.json.id));
    });
  });

  describe("with a small byte limit", () => {
    const ctx = useEmulator({ maxStoredBytes: 3 * MiB });

    it("forgets the session that ended first to make room, and never an active one", async () => {
      const url = `${ctx.emulator.url}/chatkit/sessions`;
      const ids: string[] = [];
      for (let i = 0; i < 2; i++) ids.push((await call(url, "POST", body(`u${i}`, 1.2 * MiB))).json.id);
      assert.equal((await call(url, "POST", body("u2", 1.2 * MiB))).status, 429);
      await call(`${url}/${ids[1]}/cancel`, "POST");
      ctx.emulator.advanceClock(1);
      await call(`${url}/${ids[0]}/cancel`, "POST");
      const third = await call(url, "POST", body("u3", 1.2 * MiB));
      assert.equal(third.status, 200);
      assert.equal(ctx.emulator.session(ids[1] as string), undefined, "the one that ended first is forgotten");
      assert.ok(ctx.emulator.session(ids[0] as string), "one was enough");
    });
  });

  it("keeps its byte count right through every way sessions come and go, within its limit, never forgetting an active session", () => {
    const op = fc.oneof(
      fc.record({ create: fc.integer({ min: 0, max: 4000 }) }),
      fc.record({ cancel: fc.nat() }),
      fc.record({ prune: fc.integer({ min: 0, max: 700 }) }),
      fc.record({ advance: fc.integer({ min: 1, max: 700 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const clock = new Clock();
        const store = new SessionStore(clock, counters(), 10_000);
        for (const step of ops) {
          const ids = store.all().map((session) => session.id);
          if ("create" in step) {
            const before = new Set(store.active().map((session) => session.id));
            const made = store.create(body("u", step.create), "sk-test");
            if ("full" in made) assert.ok(made.retryAfterSeconds >= 1);
            else before.add(made.id);
            for (const id of before) assert.ok(store.get(id), "an active session was forgotten");
          } else if ("cancel" in step && ids.length) {
            store.cancel(store.get(ids[step.cancel % ids.length] as string) as Session);
          } else if ("prune" in step) {
            const before = new Set(store.active().map((session) => session.id));
            store.prune(step.prune);
            for (const id of before) assert.ok(store.get(id), "an active session was pruned");
          } else if ("advance" in step) clock.advance(step.advance);
          assert.equal(store.storedBytes, jsonBytes(store.all()));
          assert.ok(store.storedBytes <= 10_000);
        }
      }),
    );
  });

  it("counts a session put back under the id of one it had, once", () => {
    const store = new SessionStore(new Clock(), counters());
    const made = store.create(body("u", 100), "sk-test") as Session;
    const restored = store.restore({
      id: made.id,
      clientSecret: made.clientSecret,
      user: "u",
      workflowId: "wf_1",
      createdAt: made.createdAt,
      expiresAt: made.expiresAt,
      apiKey: "sk-test",
    });
    assert.equal(store.size, 1);
    assert.equal(store.storedBytes, jsonBytes([restored]));
    assert.ok(store.storedBytes < jsonBytes([made]), "the state variables it no longer has are not counted");
  });
});
