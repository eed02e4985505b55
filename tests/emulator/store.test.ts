import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { Clock } from "../../emulator/clock";
import { type Counters, SessionStore, type StoredSession } from "../../emulator/store";
import { useEmulator } from "../helpers/emulator";
import { call } from "./call";

const MiB = 1024 * 1024;
const counters = (): Counters => ({ created: 0, cancelled: 0, faults: {}, rateLimited: 0 });
const body = (user: string, chars = 0) => ({
  user,
  workflow: { id: "wf_1", ...(chars ? { state_variables: { big: "x".repeat(chars) } } : {}) },
});
const jsonBytes = (sessions: Iterable<StoredSession>) =>
  [...sessions].reduce((sum, session) => sum + Buffer.byteLength(JSON.stringify(session.response)), 0);

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
      assert.equal(ctx.emulator.sessions.size, 4, "nothing stored for the refused create");
      assert.ok(jsonBytes(ctx.emulator.sessions.values()) <= 64 * MiB);

      for (const id of made)
        assert.equal((await call(`${ctx.emulator.url}/chatkit/sessions/${id}/cancel`, "POST")).status, 200);
      const after = await create("big-5");
      assert.equal(after.status, 200, "ended sessions make room");
      assert.ok(jsonBytes(ctx.emulator.sessions.values()) <= 64 * MiB);
      assert.ok(ctx.emulator.sessions.has(after.json.id));
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
      assert.equal(ctx.emulator.sessions.has(ids[1] as string), false, "the one that ended first is forgotten");
      assert.equal(ctx.emulator.sessions.has(ids[0] as string), true, "one was enough");
    });
  });

  it("keeps its byte count right through every way sessions come and go, within its limit, never forgetting an active session", () => {
    const op = fc.oneof(
      fc.record({ create: fc.integer({ min: 0, max: 4000 }) }),
      fc.record({ cancel: fc.nat() }),
      fc.record({ remove: fc.nat() }),
      fc.record({ advance: fc.integer({ min: 1, max: 700 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const clock = new Clock();
        const store = new SessionStore(clock, counters(), 10_000);
        for (const step of ops) {
          const ids = [...store.sessions.keys()];
          if ("create" in step) {
            const before = new Set(store.active().map((session) => session.id));
            const made = store.create(body("u", step.create), "sk-test");
            if ("full" in made) assert.ok(made.retryAfterSeconds >= 1);
            else before.add(made.id);
            for (const id of before) assert.ok(store.sessions.has(id), "an active session was forgotten");
          } else if ("cancel" in step && ids.length) {
            store.cancel(store.sessions.get(ids[step.cancel % ids.length] as string) as StoredSession);
          } else if ("remove" in step && ids.length) {
            store.sessions.delete(ids[step.remove % ids.length] as string);
          } else if ("advance" in step) clock.advance(step.advance);
          assert.equal(store.storedBytes, jsonBytes(store.sessions.values()));
          assert.ok(store.storedBytes <= 10_000);
        }
      }),
    );
  });

  it("counts a session put in by a test, and one replaced under the same id, once", () => {
    const store = new SessionStore(new Clock(), counters());
    const made = store.create(body("u", 100), "sk-test") as StoredSession;
    store.sessions.set(made.id, { ...made, response: { id: made.id } });
    assert.equal(store.storedBytes, Buffer.byteLength(JSON.stringify({ id: made.id })));
    store.sessions.clear();
    assert.equal(store.storedBytes, 0);
  });
});
