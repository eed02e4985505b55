import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { APIError } from "openai";
import { AttemptsFailed, afterServerWaitMs, backoffMs, retryAfterMs, withRetries } from "../../provider/retry";

const apiError = (status: number, headers: Record<string, string> = {}) =>
  APIError.generate(status, { error: { message: "x", type: "t" } }, undefined, new Headers(headers));

describe("retry", () => {
  it("reads retry-after-ms, Retry-After in seconds, and Retry-After as a date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    assert.equal(retryAfterMs(apiError(429, { "retry-after-ms": "250", "retry-after": "9" }), now), 250);
    assert.equal(retryAfterMs(apiError(429, { "retry-after": "3" }), now), 3000);
    assert.equal(retryAfterMs(apiError(429, { "retry-after": "Thu, 01 Jan 2026 00:00:05 GMT" }), now), 5000);
    assert.equal(retryAfterMs(apiError(429), now), undefined);
    assert.equal(retryAfterMs(new Error("plain"), now), undefined);
  });

  it("backs off exponentially from 0.5 s, capped at 8 s, with up to a quarter of jitter", () => {
    const policy = { maxRetries: 10, budgetMs: 60_000 };
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((retry) => backoffMs(retry, policy, () => 0)),
      [500, 1000, 2000, 4000, 8000, 8000],
    );
    assert.equal(
      backoffMs(1, policy, () => 1),
      375,
    );
  });

  it("returns the first success and counts attempts on failure", async () => {
    let calls = 0;
    const deps = { sleep: async () => {}, random: () => 0, now: () => 0 };
    const value = await withRetries(
      async () => (++calls < 3 ? Promise.reject(apiError(503)) : "ok"),
      () => true,
      { maxRetries: 5, budgetMs: 1e6 },
      deps,
    );
    assert.equal(value, "ok");
    assert.equal(calls, 3);
    const failure = await withRetries(
      () => Promise.reject(apiError(400)),
      () => false,
      { maxRetries: 5, budgetMs: 1e6 },
      deps,
    ).catch((e) => e);
    assert.ok(failure instanceof AttemptsFailed);
    assert.equal(failure.attempts, 1);
    assert.equal(failure.message, "failed after 1 attempt");
  });

  it("adds jitter on top of the server's wait, never less than asked and at most 2 s more", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 600_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (asked, r) => {
          const wait = afterServerWaitMs(asked, () => r);
          assert.ok(wait >= asked && wait <= asked + 2000, `${asked} -> ${wait}`);
        },
      ),
    );
    const spread = new Set(Array.from({ length: 20 }, (_, i) => afterServerWaitMs(1000, () => i / 20)));
    assert.equal(spread.size, 20, "workers told the same Retry-After wake at different times");
  });

  it("gives each attempt the attempt timeout, or what is left of the budget when that is less", async () => {
    let clock = 0;
    const limits: number[] = [];
    const failure = await withRetries(
      async (limitMs) => {
        limits.push(limitMs);
        clock += limitMs;
        throw apiError(503);
      },
      () => true,
      { maxRetries: 10, budgetMs: 10_600, attemptTimeoutMs: 4000 },
      {
        sleep: async (ms) => {
          clock += ms;
        },
        random: () => 0,
        now: () => clock,
      },
    ).catch((e) => e);
    assert.ok(failure instanceof AttemptsFailed);
    assert.deepEqual(limits, [4000, 4000, 1100]);
    assert.equal(clock, 10_600, "the last attempt ends with the budget");
  });

  it("says why it stops before a wait the budget cannot hold", async () => {
    let clock = 0;
    const failure: AttemptsFailed = await withRetries(
      async () => {
        clock += 1500;
        throw apiError(429, { "retry-after": "2" });
      },
      () => true,
      { maxRetries: 5, budgetMs: 3000, attemptTimeoutMs: 30_000 },
      {
        sleep: async (ms) => {
          clock += ms;
        },
        random: () => 0,
        now: () => clock,
      },
    ).catch((e) => e);
    assert.equal(
      failure.message,
      "gave up (the API asked to wait 2 s before retrying; with 1.5 s already spent, less than 1 s would be left for another attempt within the 3 s retry budget (chatkit:retryBudgetSeconds)) after 1 attempt",
    );
  });
});
