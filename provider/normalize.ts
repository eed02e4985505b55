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
  /** renewBefore when not given: a tenth of the lifetime, at most a minute (see effectiveRenewBefore). */
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

/**
 * Outputs computed from expiresAfter, not stored at its key path: Pulumi marks an output secret
 * only when the input at the same path was, so both have to be marked when expiresAfter is secret.
 */
export const DERIVED_FROM_EXPIRES_AFTER = ["expiresAt", "renewBefore"] as const;

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
