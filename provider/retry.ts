import { APIError } from "openai";
import { AttemptTimedOutError, NotSentError, type Operation, UnusableSessionError } from "./errors";
import { formatSeconds } from "./seconds";

/**
 * Statuses that prove the API did not act on a create. Only 429 does: the API turns the request
 * away before doing anything. A 502, 503 or 504 may come from a gateway after it forwarded the
 * request, so the API may have created a session.
 */
const NOT_ACTED_STATUSES = new Set([429]);
/** Statuses worth retrying when repeating the request is harmless (cancel). */
const TRANSIENT_STATUSES = new Set([408, 409, 429, 500, 502, 503, 504]);

/**
 * Whether a failure is worth another attempt. A cancel is idempotent, so every transient failure
 * is retried. A create is retried only when the answer proves the API did not act: the API has no
 * idempotency key, so repeating a create that may have succeeded could mint a second credential.
 */
export function isRetryable(operation: Operation, error: unknown): boolean {
  if (error instanceof NotSentError) return error.transient;
  if (error instanceof UnusableSessionError) return false;
  if (error instanceof APIError && error.status !== undefined) {
    return (operation === "create" ? NOT_ACTED_STATUSES : TRANSIENT_STATUSES).has(error.status);
  }
  // Connection failures, timeouts and unreadable answers: repeating a cancel is harmless.
  return operation === "cancel";
}

/**
 * A create whose outcome is unknown: the request may have reached the API and created a session.
 * Only an answer that says otherwise (a 4xx, even one whose body never finished arriving) or a
 * request that never left rules it out; a 5xx, a lost connection, a timeout or an unreadable
 * answer do not.
 */
export function mayHaveCreated(error: unknown): boolean {
  if (error instanceof NotSentError) return false;
  if (error instanceof APIError && error.status !== undefined) return error.status >= 500;
  // A 4xx status line says the API refused the request, whether or not its body then arrived.
  if (error instanceof AttemptTimedOutError && error.status !== undefined)
    return !(error.status >= 400 && error.status < 500);
  return true;
}

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** All attempts and waits end within this time. */
  budgetMs: number;
  /** The longest one attempt may take, answer included; the last one gets what is left of the budget. */
  attemptTimeoutMs?: number;
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

/** A plain non-negative decimal, the only number form either header holds. */
const DECIMAL = /^\s*\d+(\.\d+)?\s*$/;

/**
 * RFC 9110's three HTTP date forms, exactly (section 5.6.7): IMF-fixdate and the obsolete RFC 850
 * form end in GMT; asctime means GMT without saying so, where Date.parse alone would read it as
 * local time. Anything else, a date in another zone included, is not a wait the server asked for
 * (and Date.parse alone reads "-5" or "in 5" as a day in 2001).
 */
const IMF_FIXDATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC850_DATE =
  /^(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, \d{2}-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2} \d{2}:\d{2}:\d{2} GMT$/;
const ASCTIME_DATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/** The number a header holds, when it is a plain decimal a wait can last. */
function decimal(text: string): number | undefined {
  const value = Number(text);
  return DECIMAL.test(text) && Number.isFinite(value) ? value : undefined;
}

/**
 * The wait the server asked for, from retry-after-ms or Retry-After (seconds or an HTTP date), or
 * undefined when neither holds one: a malformed value ("-5", "", "soon", "1e999", a date in none
 * of the three forms) is ignored, and the usual backoff applies.
 */
export function retryAfterMs(error: unknown, nowMs: number): number | undefined {
  if (!(error instanceof APIError) || !error.headers) return undefined;
  const millis = decimal(error.headers.get("retry-after-ms") ?? "");
  if (millis !== undefined) return millis;
  const header = error.headers.get("retry-after") ?? "";
  const seconds = decimal(header);
  if (seconds !== undefined) return seconds * 1000;
  const date =
    IMF_FIXDATE.test(header) || RFC850_DATE.test(header)
      ? Date.parse(header)
      : ASCTIME_DATE.test(header)
        ? Date.parse(`${header} GMT`)
        : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** Capped exponential backoff with jitter: 0.5 s, 1 s, 2 s … up to 8 s, each shortened by up to a quarter. */
export function backoffMs(retry: number, policy: RetryPolicy, random: () => number): number {
  const base = policy.baseDelayMs ?? 500;
  const cap = policy.maxDelayMs ?? 8000;
  return Math.min(cap, base * 2 ** (retry - 1)) * (1 - 0.25 * random());
}

/**
 * The server's wait plus jitter, never less than asked: workers that all obey the same Retry-After
 * would otherwise wake together and collide again. The spread is a fifth of the wait, between
 * 0.25 s and 2 s.
 */
export function afterServerWaitMs(askedMs: number, random: () => number): number {
  return askedMs + random() * Math.min(2000, Math.max(250, askedMs * 0.2));
}

/** An attempt started with less time than this left would likely time out halfway. */
const MIN_ATTEMPT_MS = 1000;

/**
 * Runs the operation until it succeeds, fails with an error that isRetryable refuses, runs out of
 * retries, or would run past the budget. Each attempt is given the time it may take: the attempt
 * timeout, or what is left of the budget if that is less. Failures always come out as AttemptsFailed.
 */
export async function withRetries<T>(
  operation: (attemptLimitMs: number) => Promise<T>,
  isRetryable: (error: unknown) => boolean,
  policy: RetryPolicy,
  deps: RetryDeps,
): Promise<T> {
  const started = deps.now();
  const attemptTimeout = policy.attemptTimeoutMs ?? policy.budgetMs;
  const minAttempt = Math.min(attemptTimeout, MIN_ATTEMPT_MS);
  for (let attempt = 1; ; attempt++) {
    const left = policy.budgetMs - (deps.now() - started);
    try {
      return await operation(Math.max(1, Math.min(attemptTimeout, left)));
    } catch (error) {
      if (!isRetryable(error)) throw new AttemptsFailed(error, attempt, "failed");
      if (attempt > policy.maxRetries) throw new AttemptsFailed(error, attempt, "gave up");
      const asked = retryAfterMs(error, deps.now());
      const wait =
        asked !== undefined ? afterServerWaitMs(asked, deps.random) : backoffMs(attempt, policy, deps.random);
      const spent = deps.now() - started;
      if (spent + wait + minAttempt > policy.budgetMs) {
        const budget = `${formatSeconds(policy.budgetMs)} retry budget (chatkit:retryBudgetSeconds)`;
        const reason =
          asked === undefined
            ? `gave up (the ${budget} is spent: ${formatSeconds(spent)} used, and the next wait of ${formatSeconds(wait)} would leave no time for another attempt)`
            : `gave up (the API asked to wait ${formatSeconds(asked)} before retrying${
                asked >= policy.budgetMs
                  ? `, longer than the whole ${budget}`
                  : `; with ${formatSeconds(spent)} already spent, less than ${formatSeconds(minAttempt)} would be left for another attempt within the ${budget}`
              })`;
        throw new AttemptsFailed(error, attempt, reason);
      }
      await deps.sleep(wait);
    }
  }
}
