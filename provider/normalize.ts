import { saneOffset } from "./clock";

/**
 * The documented defaults, applied so that writing a default explicitly, or leaving it out, or
 * reading it back resolved from the API (where "unset" comes back as null) all compare equal.
 */
export const DEFAULTS = {
  tracingEnabled: true,
  automaticThreadTitlingEnabled: true,
  fileUploadEnabled: false,
  maxFileSizeMb: 512,
  maxFiles: 10,
  historyEnabled: true,
  recentThreads: null,
  expiresAfterSeconds: 600,
  maxRequestsPer1Minute: 10,
  /** renewBefore when not given: a tenth of the lifetime, at most a minute (see README, "Renewal"). */
  maxDefaultRenewBeforeSeconds: 60,
} as const;

type Maybe<T> = T | null | undefined;
type Flag = Maybe<{ enabled?: Maybe<boolean> }>;
type Primitive = string | number | boolean;

/** The shape shared by checked inputs and stored outputs: anything optional may also be null. */
export interface SessionShape {
  user?: Maybe<string>;
  workflow?: Maybe<{
    id?: Maybe<string>;
    version?: Maybe<string>;
    stateVariables?: Maybe<Record<string, Primitive>>;
    tracing?: Flag;
  }>;
  chatkitConfiguration?: Maybe<{
    automaticThreadTitling?: Flag;
    fileUpload?: Maybe<{ enabled?: Maybe<boolean>; maxFileSize?: Maybe<number>; maxFiles?: Maybe<number> }>;
    history?: Maybe<{ enabled?: Maybe<boolean>; recentThreads?: Maybe<number> }>;
  }>;
  expiresAfter?: Maybe<number | { anchor?: Maybe<string>; seconds?: Maybe<number> }>;
  rateLimits?: Maybe<{ maxRequestsPer1Minute?: Maybe<number> }>;
  renewBefore?: Maybe<number>;
  triggers?: Maybe<Record<string, string>>;
}

export function expiresAfterSeconds(expiresAfter: SessionShape["expiresAfter"]): number {
  if (typeof expiresAfter === "number") return expiresAfter;
  return expiresAfter?.seconds ?? DEFAULTS.expiresAfterSeconds;
}

export function effectiveRenewBefore(shape: Pick<SessionShape, "renewBefore" | "expiresAfter">): number {
  if (typeof shape.renewBefore === "number") return shape.renewBefore;
  const lifetime = expiresAfterSeconds(shape.expiresAfter);
  return Math.min(DEFAULTS.maxDefaultRenewBeforeSeconds, Math.floor(lifetime / 10));
}

/** One normalizer per input key whose change replaces the session (what is sent, and triggers). */
export const REPLACING_NORMALIZERS = {
  user: (user: SessionShape["user"]) => user ?? null,
  workflow: (workflow: SessionShape["workflow"]) => ({
    id: workflow?.id ?? null,
    version: workflow?.version ?? null,
    stateVariables: workflow?.stateVariables ?? {},
    tracing: { enabled: workflow?.tracing?.enabled ?? DEFAULTS.tracingEnabled },
  }),
  chatkitConfiguration: (configuration: SessionShape["chatkitConfiguration"]) => ({
    automaticThreadTitling: {
      enabled: configuration?.automaticThreadTitling?.enabled ?? DEFAULTS.automaticThreadTitlingEnabled,
    },
    fileUpload: {
      enabled: configuration?.fileUpload?.enabled ?? DEFAULTS.fileUploadEnabled,
      maxFileSize: configuration?.fileUpload?.maxFileSize ?? DEFAULTS.maxFileSizeMb,
      maxFiles: configuration?.fileUpload?.maxFiles ?? DEFAULTS.maxFiles,
    },
    history: {
      enabled: configuration?.history?.enabled ?? DEFAULTS.historyEnabled,
      recentThreads: configuration?.history?.recentThreads ?? DEFAULTS.recentThreads,
    },
  }),
  expiresAfter: (expiresAfter: SessionShape["expiresAfter"]) => ({
    anchor: "created_at",
    seconds: expiresAfterSeconds(expiresAfter),
  }),
  rateLimits: (rateLimits: SessionShape["rateLimits"]) => ({
    maxRequestsPer1Minute: rateLimits?.maxRequestsPer1Minute ?? DEFAULTS.maxRequestsPer1Minute,
  }),
  triggers: (triggers: SessionShape["triggers"]) => triggers ?? {},
};

export type ReplacingKey = keyof typeof REPLACING_NORMALIZERS;
export const REPLACING_KEYS = Object.keys(REPLACING_NORMALIZERS) as ReplacingKey[];

/** Everything that decides which session exists, with defaults applied. Idempotent. */
export function normalize(shape: SessionShape) {
  return {
    user: REPLACING_NORMALIZERS.user(shape.user),
    workflow: REPLACING_NORMALIZERS.workflow(shape.workflow),
    chatkitConfiguration: REPLACING_NORMALIZERS.chatkitConfiguration(shape.chatkitConfiguration),
    expiresAfter: REPLACING_NORMALIZERS.expiresAfter(shape.expiresAfter),
    rateLimits: REPLACING_NORMALIZERS.rateLimits(shape.rateLimits),
    triggers: REPLACING_NORMALIZERS.triggers(shape.triggers),
    renewBefore: effectiveRenewBefore(shape),
  };
}

/** JSON with object keys sorted, so that equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      // The keys of one object are distinct, so no two compare equal.
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** What a session's state says about its life, read leniently (see README, "Lifecycle"). */
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
  // A blank string reads as 0, which is refused below like any time not after 1970.
  const number =
    typeof value === "number"
      ? value
      : typeof value === "string"
        ? Number.isFinite(Number(value))
          ? Number(value)
          : ZONED_DATE.test(value)
            ? Date.parse(value.replace(" ", "T")) / 1000
            : undefined
        : undefined;
  if (number === undefined || !Number.isFinite(number) || number <= 0) return undefined;
  return number > LARGEST_SECONDS ? number / 1000 : number;
}

/** A text that Date.parse reads as a date, in a form other than ZONED_DATE (so not the same instant everywhere). */
function isZonelessDate(value: unknown): boolean {
  return typeof value === "string" && !ZONED_DATE.test(value) && !Number.isNaN(Date.parse(value));
}
