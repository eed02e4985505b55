import { APIError } from "openai";

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** All attempts and waits end within this time. */
  budgetMs: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export interface RetryDeps {
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  now: () => number;
}

/** Thrown when an operation gives up; carries the last error and how many attempts were made. */
export class AttemptsFailed extends Error {
  constructor(
    readonly lastError: unknown,
    readonly attempts: number,
    readonly stoppedBecause: string,
  ) {
    super(`${stoppedBecause} after ${attempts} attempt${attempts === 1 ? "" : "s"}`);
    this.name = "AttemptsFailed";
  }
}

/** The wait the server asked for, from retry-after-ms or Retry-After (seconds or an HTTP date). */
export function retryAfterMs(error: unknown, nowMs: number): number | undefined {
  if (!(error instanceof APIError) || !error.headers) return undefined;
  const millis = Number(error.headers.get("retry-after-ms") ?? Number.NaN);
  if (Number.isFinite(millis) && millis >= 0) return millis;
  const header = error.headers.get("retry-after");
  if (header == null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** Capped exponential backoff with jitter: 0.5 s, 1 s, 2 s … up to 8 s, each shortened by up to a quarter. */
export function backoffMs(retry: number, policy: RetryPolicy, random: () => number): number {
  const base = policy.baseDelayMs ?? 500;
  const cap = policy.maxDelayMs ?? 8000;
  return Math.min(cap, base * 2 ** (retry - 1)) * (1 - 0.25 * random());
}

/**
 * Runs the operation until it succeeds, fails with an error that isRetryable refuses, runs out of
 * retries, or would run past the budget. Failures always come out as AttemptsFailed.
 */
export async function withRetries<T>(
  operation: () => Promise<T>,
  isRetryable: (error: unknown) => boolean,
  policy: RetryPolicy,
  deps: RetryDeps,
): Promise<T> {
  const started = deps.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isRetryable(error)) throw new AttemptsFailed(error, attempt, "failed");
      if (attempt > policy.maxRetries) throw new AttemptsFailed(error, attempt, "gave up");
      const asked = retryAfterMs(error, deps.now());
      const wait = asked ?? backoffMs(attempt, policy, deps.random);
      const elapsed = deps.now() - started;
      if (elapsed + wait > policy.budgetMs) {
        const reason =
          asked !== undefined
            ? `gave up (the API asked to wait ${(asked / 1000).toFixed(1)} s, past the ${policy.budgetMs / 1000} s retry budget)`
            : `gave up (the ${policy.budgetMs / 1000} s retry budget is spent)`;
        throw new AttemptsFailed(error, attempt, reason);
      }
      await deps.sleep(wait);
    }
  }
}
