import { saneOffset } from "./clock";

/**
 * What a session's state says about its life, read leniently: states written by older versions or
 * edited by hand hold other shapes than this version writes, and what cannot be read is not known
 * to be live.
 */
export interface RecordedSession {
  /** "active", "expired" or "cancelled"; undefined when the state holds anything else. */
  status?: "active" | "expired" | "cancelled";
  /** Unix seconds; undefined when the state holds no time that can be read. */
  expiresAt?: number;
  /** Why expiresAt cannot be read, when it holds a date that not every machine would read alike. */
  expiresAtProblem?: string;
  /** Seconds the API's clock was ahead of the creating machine's (see clock.ts), when plausible. */
  apiClockOffset?: number;
}

/** Unix times beyond this are milliseconds (this is in the year 5138 as seconds). */
const LARGEST_SECONDS = 1e11;

/**
 * A date written with its zone: ISO 8601 with Z or ±hh:mm. Without one, JavaScript reads a date
 * and time in the machine's own time zone, so the same state would mean another instant on each
 * machine.
 */
const ZONED_DATE = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})$/;

const ZONELESS_DATE_PROBLEM =
  "a date that is not ISO 8601 with a time zone (Z or ±hh:mm), which machines in different time zones may read as different times";

/**
 * Reads the facts a state records, accepting the shapes that older versions or hand edits leave:
 * `expiresAt` as a number of seconds or milliseconds, as a numeric string or as an ISO 8601 date
 * with its zone. Whatever cannot be read is left undefined, and the callers treat it as "not known
 * to be live".
 */
export function recordedSession(state: Record<string, unknown>): RecordedSession {
  const status = state.status;
  const expiresAt = unixSeconds(state.expiresAt);
  const zoneless = expiresAt === undefined && isZonelessDate(state.expiresAt);
  return {
    status: status === "active" || status === "expired" || status === "cancelled" ? status : undefined,
    expiresAt,
    ...(zoneless && { expiresAtProblem: ZONELESS_DATE_PROBLEM }),
    apiClockOffset: saneOffset(state.apiClockOffset),
  };
}

/** Unix seconds from a recorded time, or undefined when it holds none that reads the same everywhere. */
function unixSeconds(value: unknown): number | undefined {
  const number = recordedNumber(value);
  if (number === undefined || !Number.isFinite(number) || number <= 0) return undefined;
  return number > LARGEST_SECONDS ? number / 1000 : number;
}

/** The number a recorded time holds: itself, a numeric string, or a zoned date in seconds. */
function recordedNumber(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value !== "string") return undefined;
  // A blank string reads as 0, which is refused like any time not after 1970.
  if (Number.isFinite(Number(value))) return Number(value);
  if (ZONED_DATE.test(value)) return Date.parse(value.replace(" ", "T")) / 1000;
  return undefined;
}

/** A text that Date.parse reads as a date, in a form other than ZONED_DATE (so not the same instant everywhere). */
function isZonelessDate(value: unknown): boolean {
  return typeof value === "string" && !ZONED_DATE.test(value) && !Number.isNaN(Date.parse(value));
}
