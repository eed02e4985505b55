import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { SessionProvider } from "../../provider/lifecycle";
import { REPLAY_TOLERANCE_SECONDS, ReplayCheck } from "../../provider/replay";
import { rejection } from "../helpers/rejection";
import { sessionJson, useScriptedServer } from "../helpers/scripted";

const LIFETIME = 120;
const inputs = { user: "u", workflow: { id: "wf_scripted" }, expiresAfter: LIFETIME };
const KEY = "sk-proj-replay-key-0123456789abcdef";
const HALF_HOUR = 1800;

const nowSeconds = () => Math.floor(Date.now() / 1000);
/** A create answer as the API sent it `ageSeconds` ago. */
const answerFrom = (ageSeconds: number, id = `cksess_old_${Math.random().toString(36).slice(2)}`) =>
  sessionJson({ id, expires_at: nowSeconds() - ageSeconds + LIFETIME });
const httpDate = (ageSeconds: number) => new Date(Date.now() - ageSeconds * 1000).toUTCString();

describe("a replayed create answer (a caching gateway)", function () {
  this.timeout(20_000);
  const scripted = useScriptedServer();

  async function lifecycle() {
    const provider = new SessionProvider({
      env: {},
      sleep: async () => {},
      warn: (message) => scripted.warnings.push(message),
    });
    const values: Record<string, string> = { "chatkit:apiKey": KEY, "chatkit:baseUrl": scripted.server.url };
    await provider.configure({ config: { get: (key: string) => values[key] } });
    return provider;
  }

  /** What every detected replay must say and do: a failed create, nothing recorded, nothing cancelled, no clock blamed. */
  function assertRefusedReplay(error: Error, because: RegExp) {
    assert.match(error.message, /^ChatKit session create failed/);
    assert.match(error.message, /not the API's answer to this request but an old one replayed/);
    assert.match(error.message, because);
    assert.match(error.message, /is not recorded, and not cancelled/);
    assert.match(error.message, /a session may have been created but not recorded/);
    assert.match(error.message, /Configure the cache to pass POST requests to \/chatkit\/sessions through/);
    assert.ok(!/This machine's clock/.test(scripted.warnings.join("\n")), scripted.warnings.join("\n"));
    assert.ok(!/ek_scripted_secret/.test(error.message), error.message);
    assert.equal(scripted.server.requests.filter((request) => request.path.endsWith("/cancel")).length, 0);
  }

  it("refuses an answer whose Age header says a cache held it for half an hour", async () => {
    scripted.script = [
      { acts: true, body: answerFrom(HALF_HOUR), headers: { age: String(HALF_HOUR), date: httpDate(HALF_HOUR) } },
    ];
    const error = await rejection((await lifecycle()).create(inputs));
    assertRefusedReplay(error, /its Age header says a cache has held it for 1800 s, while the request took \d+ s/);
    assert.equal(scripted.server.requests.length, 1, "a create is never retried");
  });

  it("refuses an answer dated now by a gateway whose session was created half an hour ago", async () => {
    scripted.script = [{ acts: true, body: answerFrom(HALF_HOUR) }];
    const error = await rejection((await lifecycle()).create(inputs));
    assertRefusedReplay(
      error,
      /its Date header agrees with this machine's clock, yet the session in it was created 1[78]\d\d s before the request was sent/,
    );
  });

  it("refuses an answer naming a session this process already knows: one it created, or one in the state diff saw", async () => {
    const first = answerFrom(0, "cksess_first");
    scripted.script = [
      { acts: true, body: first },
      { body: first, headers: { date: httpDate(0) } },
    ];
    const provider = await lifecycle();
    const { id } = await provider.create(inputs);
    assert.equal(id, "cksess_first");
    assertRefusedReplay(
      await rejection(provider.create(inputs)),
      /session cksess_first was already known to this process/,
    );

    // The replace of a session: diff sees the old one in the state, then the create is answered with it.
    const again = await lifecycle();
    const old = JSON.parse(answerFrom(0, "cksess_in_state"));
    scripted.script.push({ body: JSON.stringify(old) });
    await again.diff("cksess_in_state", { ...inputs, status: "active", expiresAt: 1 }, inputs);
    assertRefusedReplay(await rejection(again.create(inputs)), /session cksess_in_state was already known/);
  });

  it("knows a session it read from a state (refresh) or cancelled (destroy), and refuses an answer naming it", async () => {
    const state = { ...inputs, status: "active", expiresAt: nowSeconds() + LIFETIME };
    for (const meet of ["read", "delete"] as const) {
      const id = `cksess_${meet}_earlier`;
      const provider = await lifecycle();
      if (meet === "read") await provider.read(id, state);
      else {
        scripted.script.push({ acts: true, body: sessionJson({ id, status: "cancelled" }) });
        await provider.delete(id, state);
      }
      scripted.script.push({ body: answerFrom(0, id), headers: { date: httpDate(0) } });
      const error = await rejection(provider.create(inputs));
      assert.match(error.message, /not the API's answer to this request but an old one replayed/, meet);
      assert.match(error.message, new RegExp(`session ${id} was already known to this process`), meet);
    }
  });

  it("records a fresh answer as before, through a cache that says it held it for no time", async () => {
    scripted.script = [{ acts: true, body: answerFrom(1), headers: { age: "0" } }];
    const { id, outs } = await (await lifecycle()).create(inputs);
    assert.match(id, /^cksess_old_/);
    assert.equal(outs.status, "active");
    assert.deepEqual(scripted.warnings, []);
  });

  it("cannot tell a whole replay (old Date, no Age) in a new process from a clock that is off, and says so in the warning", async () => {
    scripted.script = [{ acts: true, body: answerFrom(HALF_HOUR), headers: { date: httpDate(HALF_HOUR) } }];
    const { outs } = await (await lifecycle()).create(inputs);
    assert.ok(Math.abs(outs.apiClockOffset + HALF_HOUR) <= 2, String(outs.apiClockOffset));
    assert.equal(scripted.warnings.length, 1);
    assert.match(scripted.warnings[0]!, /^This machine's clock is 30 min( \d+ s)? ahead of the ChatKit API's/);
    assert.match(
      scripted.warnings[0]!,
      /If this machine's clock is right, a cache or gateway between here and the API may be replaying old create answers/,
    );
  });
});

describe("ReplayCheck: what tells a replay from a clock that is off", () => {
  const SENT_MS = Date.UTC(2026, 11, 2, 16, 0, 0);
  const headers = (entries: Record<string, string>) => new Headers(entries);

  it("never calls a fresh answer a replay, whatever the clocks' offset, the request's duration and the cache's Age", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -10 * 86_400, max: 10 * 86_400 }),
        fc.integer({ min: 0, max: 120_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        (apiAheadSeconds, tookMs, at, withAge) => {
          // The API created the session while the request was on its way, by its own clock, and dated its answer.
          const createdAt = Math.floor((SENT_MS + at * tookMs) / 1000 + apiAheadSeconds);
          const date = new Date(SENT_MS + tookMs + apiAheadSeconds * 1000).toUTCString();
          const age = String(Math.floor((tookMs * (1 - at)) / 1000));
          const answer = {
            id: "cksess_fresh",
            createdAt,
            headers: headers(withAge ? { date, age } : { date }),
            sentAtMs: SENT_MS,
            receivedAtMs: SENT_MS + tookMs,
          };
          assert.equal(new ReplayCheck().reasonFor(answer), undefined);
        },
      ),
    );
  });

  it("calls an answer a replay when its Date agrees with this machine and its session is older than the request", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2 * REPLAY_TOLERANCE_SECONDS + 1, max: 30 * 86_400 }),
        // Within the tolerance, less the second a Date header's whole seconds may lose.
        fc.integer({ min: 1 - REPLAY_TOLERANCE_SECONDS, max: REPLAY_TOLERANCE_SECONDS - 1 }),
        (olderSeconds, dateOffSeconds) => {
          const answer = {
            id: "cksess_replayed",
            createdAt: SENT_MS / 1000 - olderSeconds,
            headers: headers({ date: new Date(SENT_MS + 200 + dateOffSeconds * 1000).toUTCString() }),
            sentAtMs: SENT_MS,
            receivedAtMs: SENT_MS + 200,
          };
          assert.match(new ReplayCheck().reasonFor(answer) ?? "", /its Date header agrees with this machine's clock/);
        },
      ),
    );
  });
});
