import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { APIConnectionError, APIConnectionTimeoutError, APIError } from "openai";
import {
  AnswerInterruptedError,
  AttemptTimedOutError,
  MalformedAnswerError,
  NotSentError,
  UnusableSessionError,
} from "../../provider/errors";
import {
  AttemptsFailed,
  afterServerWaitMs,
  backoffMs,
  isRetryable,
  mayHaveCreated,
  type RetryPolicy,
  retryAfterMs,
  withRetries,
} from "../../provider/retry";
import { classifySendFailure } from "../../provider/sendFailure";
import { refused } from "../helpers/failures";

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

  it("ignores a wait that is neither a plain number nor an HTTP date, so the usual backoff applies", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    for (const value of [
      "-5",
      "-0.5",
      "",
      "  ",
      "soon",
      "1e3",
      "0x10",
      "5s",
      "in 5",
      "x 5",
      "a-5",
      "5z",
      `1${"0".repeat(400)}`,
      // Dates in none of the HTTP date forms: another zone, or another way of writing one.
      "Thu, 01 Jan 2026 00:00:07 +0100",
      "Thu, 01 Jan 2026 00:00:07 UTC",
      "Thu Jan  1 00:00:07 PST 2026",
      "Thu Jan  1 00:00:07 2026 GMT",
      "thu, 01 jan 2026 00:00:07 gmt",
    ]) {
      assert.equal(retryAfterMs(apiError(429, { "retry-after": value }), now), undefined, JSON.stringify(value));
      // A malformed retry-after-ms leaves Retry-After to decide.
      assert.equal(retryAfterMs(apiError(429, { "retry-after-ms": value, "retry-after": "2" }), now), 2000);
    }
    assert.equal(retryAfterMs(apiError(429, { "retry-after": " 1.5 " }), now), 1500);
    assert.equal(retryAfterMs(apiError(429, { "retry-after": "1.25" }), now), 1250);
    assert.equal(retryAfterMs(apiError(429, { "retry-after-ms": "12.75" }), now), 12.75);
    assert.equal(retryAfterMs(apiError(429, { "retry-after": "Wed, 31 Dec 2025 23:59:00 GMT" }), now), 0);
  });

  it("reads an HTTP date in each of RFC 9110's three forms as GMT, and nothing that differs from them", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    const waitFor = (value: string) => retryAfterMs(apiError(429, { "retry-after": value }), now);
    // asctime names no zone: read on a machine east of Greenwich, it must still mean GMT.
    const zone = process.env.TZ;
    process.env.TZ = "Asia/Tokyo";
    try {
      for (const date of [
        "Thu, 01 Jan 2026 00:00:07 GMT",
        "Thursday, 01-Jan-26 00:00:07 GMT",
        "Thu Jan  1 00:00:07 2026",
        "Thu Jan 01 00:00:07 2026",
      ]) {
        assert.equal(waitFor(date), 7000, date);
        // One character fewer anywhere, one digit more anywhere, or anything before or after, is
        // no longer that form.
        for (let at = 0; at < date.length; at++) {
          const shorter = date.slice(0, at) + date.slice(at + 1);
          assert.equal(waitFor(shorter), undefined, JSON.stringify(shorter));
        }
        for (let at = 0; at <= date.length; at++) {
          const longer = `${date.slice(0, at)}0${date.slice(at)}`;
          assert.equal(waitFor(longer), undefined, JSON.stringify(longer));
        }
        for (const longer of [`x${date}`, `${date}x`, `${date}+0100`, `${date} PST`]) {
          assert.equal(waitFor(longer), undefined, JSON.stringify(longer));
        }
      }
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
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

  /** Runs withRetries on a virtual clock where each attempt takes `attemptMs` and fails with `error`. */
  async function run(policy: RetryPolicy, attemptMs: number, error: unknown = apiError(503), random = 0) {
    let clock = 0;
    const limits: number[] = [];
    const waits: number[] = [];
    const failure = await withRetries(
      async (limitMs) => {
        limits.push(limitMs);
        clock += attemptMs;
        throw error;
      },
      () => true,
      policy,
      {
        sleep: async (ms) => {
          waits.push(ms);
          clock += ms;
        },
        random: () => random,
        now: () => clock,
      },
    ).catch((e: unknown) => e);
    assert.ok(failure instanceof AttemptsFailed);
    return { failure, limits, waits };
  }

  it("makes exactly maxRetries retries after the first attempt", async () => {
    const { failure, limits } = await run({ maxRetries: 2, budgetMs: 1e6 }, 0);
    assert.equal(limits.length, 3);
    assert.equal(failure.message, "gave up after 3 attempts");
    assert.equal(failure.attempts, 3);
  });

  it("retries when the wait and a shortest attempt fill the budget exactly, and not a millisecond past", async () => {
    // 1 s attempt + 0.5 s wait + 1 s for the next attempt = the 2.5 s budget.
    const { limits } = await run({ maxRetries: 5, budgetMs: 2500 }, 1000);
    assert.deepEqual(limits, [2500, 1000]);
    const { failure } = await run({ maxRetries: 5, budgetMs: 2499 }, 1000);
    assert.equal(failure.attempts, 1);
    assert.equal(
      failure.message,
      "gave up (the 2.499 s retry budget (chatkit:retryBudgetSeconds) is spent: 1 s used, and the next wait of 0.5 s would leave no time for another attempt) after 1 attempt",
    );
  });

  it("counts a shortest attempt as the attempt timeout when that is under a second", async () => {
    // 0.3 s attempt + 0.5 s wait + 0.3 s for the next attempt fit in 1.5 s.
    const { limits } = await run({ maxRetries: 1, budgetMs: 1500, attemptTimeoutMs: 300 }, 300);
    assert.deepEqual(limits, [300, 300]);
  });

  it("stops at once when the API asks for a wait as long as the whole budget", async () => {
    const { failure, waits } = await run({ maxRetries: 5, budgetMs: 3000 }, 0, apiError(429, { "retry-after": "3" }));
    assert.deepEqual(waits, []);
    assert.equal(
      failure.message,
      "gave up (the API asked to wait 3 s before retrying, longer than the whole 3 s retry budget (chatkit:retryBudgetSeconds)) after 1 attempt",
    );
  });

  it("waits as the server asks plus a fifth of it, at least 0.25 s and at most 2 s of spread", () => {
    const half = () => 0.5;
    assert.equal(afterServerWaitMs(0, half), 125);
    assert.equal(afterServerWaitMs(5000, half), 5500);
    assert.equal(afterServerWaitMs(20_000, half), 21_000);
  });

  it("reads only waits that make sense, and falls back from one header to the other", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    assert.equal(retryAfterMs(apiError(429, { "retry-after-ms": "0" }), now), 0);
    assert.equal(retryAfterMs(apiError(429, { "retry-after": "0" }), now), 0);
    assert.equal(retryAfterMs(apiError(429, { "retry-after-ms": "-5", "retry-after": "2" }), now), 2000);
    assert.equal(retryAfterMs(apiError(429, { "retry-after-ms": "soon", "retry-after": "2" }), now), 2000);
    assert.equal(retryAfterMs(apiError(429, { "retry-after": "Wed, 31 Dec 2025 23:59:00 GMT" }), now), 0);
    assert.equal(retryAfterMs(apiError(429, { "retry-after": "later" }), now), undefined);
    assert.equal(retryAfterMs(new APIConnectionError({ message: "gone" }), now), undefined);
  });
});

describe("retry: which failures are worth another attempt", () => {
  it("retries a create only when the answer proves the API did not act", () => {
    assert.equal(isRetryable("create", apiError(429)), true);
    for (const status of [400, 401, 403, 404, 408, 409, 500, 502, 503, 504])
      assert.equal(isRetryable("create", apiError(status)), false, `${status}`);
    assert.equal(isRetryable("create", classifySendFailure(refused(), "http://x/v1")), true);
    assert.equal(isRetryable("create", new APIConnectionError({ cause: new Error("socket hang up") })), false);
    assert.equal(isRetryable("create", new APIConnectionTimeoutError()), false);
    assert.equal(isRetryable("create", new AttemptTimedOutError(1000, true)), false);
    assert.equal(isRetryable("create", new AnswerInterruptedError(200, new TypeError("terminated"))), false);
  });

  it("retries every transient cancel failure, never one that fails the same way each time", () => {
    for (const status of [408, 409, 429, 500, 502, 503, 504])
      assert.equal(isRetryable("cancel", apiError(status)), true);
    for (const status of [400, 401, 403, 404]) assert.equal(isRetryable("cancel", apiError(status)), false);
    assert.equal(isRetryable("cancel", new APIConnectionTimeoutError()), true);
    assert.equal(isRetryable("cancel", new MalformedAnswerError("cancel", undefined)), true);
    assert.equal(isRetryable("cancel", new NotSentError("bad port", false)), false);
  });

  it("knows which create failures may have created a session", () => {
    for (const status of [500, 502, 503, 504]) assert.equal(mayHaveCreated(apiError(status)), true, `${status}`);
    assert.equal(mayHaveCreated(new APIConnectionTimeoutError()), true);
    assert.equal(mayHaveCreated(new AttemptTimedOutError(1000, false)), true);
    assert.equal(mayHaveCreated(new MalformedAnswerError("create", undefined)), true);
    assert.equal(mayHaveCreated(apiError(429)), false);
    assert.equal(mayHaveCreated(apiError(400)), false);
    assert.equal(mayHaveCreated(classifySendFailure(refused(), "http://x/v1")), false);
  });

  it("never retries an unusable session, and retries a cancel after any failure without a status", () => {
    const unusable = new UnusableSessionError("cksess_1", "its client_secret is empty", true);
    assert.equal(isRetryable("create", unusable), false);
    assert.equal(isRetryable("cancel", new AttemptTimedOutError(1000, false)), true);
    assert.equal(isRetryable("cancel", new NotSentError("refused", true)), true);
  });

  it("takes a status line of 400 to 499 as proof that nothing was created, even when its body never came", () => {
    for (const status of [400, 404, 499])
      assert.equal(mayHaveCreated(new AttemptTimedOutError(1, true, status)), false);
    for (const status of [200, 399, 500, 503])
      assert.equal(mayHaveCreated(new AttemptTimedOutError(1, true, status)), true);
    assert.equal(mayHaveCreated(apiError(499)), false);
    assert.equal(mayHaveCreated(apiError(500)), true);
  });
});
