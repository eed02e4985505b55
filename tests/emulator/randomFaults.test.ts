import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { FAULT_KINDS, faultProblem } from "../../emulator/faults";
import { useEmulator } from "../helpers/emulator";
import { call, rootOf } from "./call";

/**
 * Random faults (setRandomFaults), the fault queue's order and counts, and the rules of a fault
 * asked for over HTTP. The draws use Math.random: each test asks only what holds for every draw,
 * or (where a share is checked) what fails with a probability below 2^-60.
 */
describe("the emulator's faults", () => {
  const ctx = useEmulator({});
  const sessions = () => `${ctx.emulator.url}/chatkit/sessions`;
  const body = { user: "u", workflow: { id: "wf_1" } };
  const create = () => call(sessions(), "POST", body);

  afterEach(() => ctx.emulator.clearFaults());

  it("answers every request with a random fault at rate 1, and none at rate 0", async () => {
    ctx.emulator.setRandomFaults({ rate: 1, faults: [{ kind: "status", status: 502 }] });
    for (let i = 0; i < 5; i++) {
      const answer = await create();
      assert.equal(answer.status, 502);
      assert.equal(answer.json.error.message, "Injected fault: HTTP 502.");
    }
    ctx.emulator.setRandomFaults({ rate: 0, faults: [{ kind: "status", status: 502 }] });
    for (let i = 0; i < 20; i++) assert.equal((await create()).status, 200);
  });

  it("draws among its faults: over 64 draws of two, both come up", async () => {
    ctx.emulator.setRandomFaults({
      rate: 1,
      faults: [
        { kind: "status", status: 502 },
        { kind: "status", status: 503 },
      ],
    });
    const seen = new Set<number>();
    for (let i = 0; i < 64; i++) seen.add((await create()).status);
    assert.deepEqual([...seen].sort(), [502, 503]);
  });

  it("applies random faults only to the endpoint they name", async () => {
    const { json: session } = await create();
    ctx.emulator.setRandomFaults({ rate: 1, on: "cancel", faults: [{ kind: "status", status: 503 }] });
    assert.equal((await create()).status, 200);
    assert.equal((await call(`${sessions()}/${session.id}/cancel`, "POST")).status, 503);
    ctx.emulator.setRandomFaults({ rate: 1, on: "create", faults: [{ kind: "status", status: 503 }] });
    assert.equal((await call(`${sessions()}/${session.id}/cancel`, "POST")).status, 200);
    assert.equal((await create()).status, 503);
  });

  it("serves queued faults before random ones, then the random ones, until cleared or unset", async () => {
    ctx.emulator.setRandomFaults({ rate: 1, faults: [{ kind: "status", status: 502 }] });
    ctx.emulator.inject({ kind: "status", status: 429 });
    assert.equal((await create()).status, 429);
    assert.equal((await create()).status, 502);
    ctx.emulator.setRandomFaults(undefined);
    assert.equal((await create()).status, 200);
    ctx.emulator.setRandomFaults({ rate: 1, faults: [{ kind: "status", status: 502 }] });
    ctx.emulator.clearFaults();
    assert.equal((await create()).status, 200);
  });

  it("counts every fault it serves by kind", async () => {
    const before = { ...ctx.emulator.stats.faults };
    ctx.emulator.inject({ kind: "status", status: 500, times: 2 });
    ctx.emulator.inject({ kind: "latency", delayMs: 0 });
    for (let i = 0; i < 3; i++) await create();
    assert.equal(ctx.emulator.stats.faults.status, (before.status ?? 0) + 2);
    assert.equal(ctx.emulator.stats.faults.latency, (before.latency ?? 0) + 1);
    await create();
    assert.equal(ctx.emulator.stats.faults.status, (before.status ?? 0) + 2, "nothing more once the queue is empty");
  });

  it("serves a fault queued for one endpoint to that endpoint, leaving earlier faults for the other in place", async () => {
    const { json: session } = await create();
    ctx.emulator.inject({ kind: "status", status: 503, on: "cancel" });
    ctx.emulator.inject({ kind: "status", status: 429, on: "create" });
    assert.equal((await create()).status, 429);
    assert.equal((await create()).status, 200);
    assert.equal((await call(`${sessions()}/${session.id}/cancel`, "POST")).status, 503);
  });

  it("serves a fault once unless told how many times", async () => {
    ctx.emulator.inject({ kind: "status", status: 503 });
    assert.equal((await create()).status, 503);
    assert.equal((await create()).status, 200);
    ctx.emulator.inject({ kind: "status", status: 503, times: 3 });
    for (let i = 0; i < 3; i++) assert.equal((await create()).status, 503, `request ${i + 1}`);
    assert.equal((await create()).status, 200);
  });

  it("waits a second for a latency fault without delayMs", async () => {
    ctx.emulator.inject({ kind: "latency" });
    const started = performance.now();
    assert.equal((await create()).status, 200);
    assert.ok(performance.now() - started >= 900, "the default delay is 1000 ms");
  });

  it("says what the queue holds after each change over HTTP", async () => {
    const faults = `${rootOf(ctx.emulator.url)}/_emulator/faults`;
    assert.deepEqual((await call(faults, "POST", { kind: "drop", on: "cancel" })).json, { queued: 1 });
    assert.deepEqual((await call(faults, "POST", { kind: "hang", on: "cancel" })).json, { queued: 2 });
    const cleared = await call(faults, "DELETE");
    assert.deepEqual(cleared.json, { queued: 0 });
    assert.match(cleared.headers.get("x-request-id") ?? "", /^req_/);
  });
});

describe("the rules of a fault asked for over HTTP", () => {
  const ctx = useEmulator({});
  const faults = () => `${rootOf(ctx.emulator.url)}/_emulator/faults`;
  afterEach(() => ctx.emulator.clearFaults());

  it("names the problem in the API's error envelope, with code invalid_fault", async () => {
    const cases: [unknown, string | null, string][] = [
      ["[]", null, 'A fault must be a JSON object such as {"kind": "status", "status": 429}.'],
      [{}, "kind", "Missing required parameter: 'kind'."],
      [{ kind: "drop", when: 1 }, "when", "Unknown parameter: 'when'."],
      [
        { kind: "boom" },
        "kind",
        "Invalid 'kind': expected one of 'status', 'latency', 'drop', 'dropAfterActing', 'hang', 'notJsonAfterActing', 'partialAfterActing'.",
      ],
      [{ kind: "drop", on: "threads" }, "on", "Invalid 'on': expected 'create' or 'cancel'."],
      [{ kind: "status", status: 302 }, "status", "Invalid 'status': expected an integer from 400 to 599."],
      [
        { kind: "status", retryAfterSeconds: -1 },
        "retryAfterSeconds",
        "Invalid 'retryAfterSeconds': expected a number of seconds from 0 to 3600.",
      ],
      [
        { kind: "status", retryAfterMs: 3_600_001 },
        "retryAfterMs",
        "Invalid 'retryAfterMs': expected a number of milliseconds from 0 to 3600000.",
      ],
      [
        { kind: "latency", delayMs: 1.5 },
        "delayMs",
        "Invalid 'delayMs': expected an integer number of milliseconds from 0 to 600000.",
      ],
      [{ kind: "drop", times: 0 }, "times", "Invalid 'times': expected an integer from 1 to 10000."],
      [
        { kind: "drop", status: 503 },
        "status",
        "Invalid 'status': only a fault of kind 'status' answers with a status.",
      ],
    ];
    for (const [fault, param, message] of cases) {
      const answer = await call(faults(), "POST", fault);
      assert.equal(answer.status, 400, JSON.stringify(fault));
      assert.deepEqual(answer.json, {
        error: { message, param, type: "invalid_request_error", code: "invalid_fault" },
      });
    }
    assert.deepEqual((await call(faults(), "DELETE")).json, { queued: 0 }, "none of them was queued");
  });

  /** Each numeric field's range, inclusive: [field, kind, lowest, highest, integers only]. */
  const ranges: [string, string, number, number, boolean][] = [
    ["status", "status", 400, 599, true],
    ["retryAfterSeconds", "status", 0, 3600, false],
    ["retryAfterMs", "status", 0, 3_600_000, false],
    ["delayMs", "latency", 0, 600_000, true],
    ["times", "drop", 1, 10_000, true],
  ];
  for (const [field, kind, lowest, highest, integer] of ranges) {
    it(`accepts ${field} from ${lowest} to ${highest}${integer ? ", whole numbers only" : ""}`, () => {
      const near = (bound: number) => fc.integer({ min: bound - 2, max: bound + 2 });
      const value = fc.oneof(
        near(lowest),
        near(highest),
        fc.double({ min: lowest - 10, max: highest + 10, noNaN: true }),
        fc.constantFrom<unknown>(Number.NaN, Number.POSITIVE_INFINITY, "1", null, true),
      );
      fc.assert(
        fc.property(value, (candidate) => {
          const ok =
            typeof candidate === "number" &&
            Number.isFinite(candidate) &&
            candidate >= lowest &&
            candidate <= highest &&
            (!integer || Number.isInteger(candidate));
          const problem = faultProblem({ kind, [field]: candidate });
          assert.equal(problem === undefined, ok, `${field}: ${String(candidate)}`);
          if (!ok) assert.equal(problem?.param, field);
        }),
        { examples: [[lowest], [highest], [lowest - 1], [highest + 1], [lowest + 0.5]] },
      );
    });
  }

  it("accepts every kind, and a status only on a status fault", () => {
    // The kinds themselves are pinned by the refusal's message above.
    for (const kind of FAULT_KINDS) {
      assert.equal(faultProblem({ kind }), undefined, kind);
      assert.equal(faultProblem({ kind, on: "create" }), undefined, kind);
      assert.equal(faultProblem({ kind, on: "cancel", times: 2 }), undefined, kind);
      assert.equal(faultProblem({ kind, status: 503 }) === undefined, kind === "status", kind);
    }
  });
});
