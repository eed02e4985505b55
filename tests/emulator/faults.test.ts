import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { useEmulator } from "../helpers/emulator";
import { call, rootOf } from "./call";

describe("the emulator's fault control over HTTP", () => {
  const ctx = useEmulator({});
  const faults = () => `${rootOf(ctx.emulator.url)}/_emulator/faults`;
  const create = () => call(`${ctx.emulator.url}/chatkit/sessions`, "POST", { user: "u", workflow: { id: "wf_1" } });

  afterEach(() => ctx.emulator.clearFaults());

  for (const [name, body] of [
    ["an empty body", undefined],
    ["null", "null"],
    ["an array", "[]"],
    ["text", "not json"],
    ["an object without a kind", "{}"],
  ] as const) {
    it(`refuses ${name} with a 400 in the API's error envelope, and queues nothing`, async () => {
      const answer = await call(faults(), "POST", body);
      assert.equal(answer.status, 400);
      assert.equal(answer.json.error.type, "invalid_request_error");
      assert.equal(typeof answer.json.error.message, "string");
      assert.equal((await create()).status, 200, "the next API request is not answered by a fault");
    });
  }

  it("refuses every fault it would not understand, for any JSON", async () => {
    const known = new Set(["kind", "on", "status", "retryAfterSeconds", "retryAfterMs", "delayMs", "times"]);
    const unknownKey = fc.string({ minLength: 1, maxLength: 12 }).filter((key) => !known.has(key));
    const wrong = fc.oneof(
      fc.jsonValue().filter((value) => value === null || typeof value !== "object" || Array.isArray(value)),
      fc.record({
        kind: fc
          .string()
          .filter(
            (kind) => !/^(status|latency|drop|dropAfterActing|hang|notJsonAfterActing|partialAfterActing)$/.test(kind),
          ),
      }),
      fc.record({
        kind: fc.constant("status"),
        status: fc.oneof(fc.integer({ max: 399 }), fc.integer({ min: 600 }), fc.string()),
      }),
      fc.record({
        kind: fc.constant("status"),
        times: fc.oneof(fc.integer({ max: 0 }), fc.double({ min: 1.1, max: 1.9, noNaN: true })),
      }),
      fc.record({ kind: fc.constant("latency"), delayMs: fc.oneof(fc.integer({ max: -1 }), fc.string()) }),
      fc.record({ kind: fc.constant("drop"), on: fc.string().filter((on) => on !== "create" && on !== "cancel") }),
      unknownKey.map((key) => ({ kind: "drop", [key]: 1 })),
      fc.constantFrom("__proto__", "constructor", "toString").map((key) => JSON.parse(`{"kind":"drop","${key}":1}`)),
    );
    await fc.assert(
      fc.asyncProperty(wrong, async (fault) => {
        const answer = await call(faults(), "POST", JSON.stringify(fault));
        assert.equal(answer.status, 400, JSON.stringify(fault));
        assert.ok(answer.json.error.message);
      }),
      { numRuns: 60 },
    );
    assert.equal((await create()).status, 200, "nothing was queued");
  });

  it("queues a valid fault, then clears every queued fault with DELETE", async () => {
    const queued = await call(faults(), "POST", { kind: "status", status: 503, times: 5, on: "create" });
    assert.equal(queued.status, 200);
    assert.equal((await create()).status, 503);
    const cleared = await call(faults(), "DELETE");
    assert.equal(cleared.status, 200);
    assert.deepEqual(cleared.json, { queued: 0 });
    assert.equal((await create()).status, 200);
  });
});
