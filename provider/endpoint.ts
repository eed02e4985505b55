import { createHash } from "node:crypto";
import { fingerprint, shownUrl } from "./redaction";
import type { ResolvedSettings } from "./settings";

/**
 * Where a session lives: the API endpoint, organization, project and key it was created with. A
 * session is visible only there, so a "not found" from anywhere else proves nothing about it.
 */
export interface ApiEndpoint {
  /** The base URL (settings refuse one with a user name or password). */
  baseUrl: string;
  organization: string | null;
  project: string | null;
  /** The first 12 hex digits of the key's SHA-256: tells keys apart, and cannot be turned back into one. */
  keyFingerprint: string;
}

/**
 * The settings apiEndpoint records as they are (the API key only by fingerprint): nothing links
 * that output to them for the engine, so it is secret when any of them was given as a secret.
 */
export const RECORDED_IN_API_ENDPOINT = ["baseUrl", "organization", "project"] as const;

export function keyFingerprint(apiKey: string): string {
  return createHash("sha256").update(apiKey).digest("hex").slice(0, 12);
}

export function endpointOf(settings: Readonly<ResolvedSettings>): ApiEndpoint {
  return {
    // Never holds a user name or password: settings refuse a base URL with either.
    baseUrl: settings.baseURL,
    organization: settings.organization ?? null,
    project: settings.project ?? null,
    keyFingerprint: keyFingerprint(settings.apiKey),
  };
}

/** Each part, and how a message shows it: never the value of a setting, which may be secret. */
const FIELDS: Array<[keyof ApiEndpoint, string, (value: string) => string]> = [
  ["baseUrl", "the base URL", shownUrl],
  ["organization", "the organization", (value) => `fingerprint ${fingerprint(value)}`],
  ["project", "the project", (value) => `fingerprint ${fingerprint(value)}`],
  ["keyFingerprint", "the API key (by fingerprint)", (value) => JSON.stringify(value)],
];

/** What a state records about where its session lives (see recordedEndpoint). */
export type RecordedEndpoint =
  | { kind: "recorded"; endpoint: ApiEndpoint }
  /** No record at all: state written by 0.1.0, which keeps 0.1.0's rule (any 404 means gone). */
  | { kind: "absent" }
  /** A record that cannot be read; `problem` says why, without quoting it. */
  | { kind: "unreadable"; problem: string };

const FINGERPRINT = /^[0-9a-f]{12}$/;

/**
 * Reads the endpoint a state records. Only a missing record is "absent": any other value that is
 * not exactly the shape this provider writes is unreadable, since guessing the missing part (a
 * project, a key) could make a 404 from elsewhere look like proof that a live session is gone.
 */
export function recordedEndpoint(value: unknown): RecordedEndpoint {
  if (value === undefined) return { kind: "absent" };
  const unreadable = (problem: string): RecordedEndpoint => ({ kind: "unreadable", problem });
  if (value === null) return unreadable("it is null");
  if (typeof value !== "object" || Array.isArray(value)) {
    return unreadable(`it is ${Array.isArray(value) ? "a list" : `a ${typeof value}`}, not an object`);
  }
  const record = value as Record<string, unknown>;
  const { baseUrl, organization, project, keyFingerprint: fingerprint } = record;
  if (typeof baseUrl !== "string" || baseUrl === "") return unreadable("its baseUrl is missing or not text");
  if (typeof fingerprint !== "string" || !FINGERPRINT.test(fingerprint)) {
    return unreadable("its keyFingerprint is missing or not 12 hex digits");
  }
  for (const [key, part] of [
    ["organization", organization],
    ["project", project],
  ] as const) {
    if (part !== null && typeof part !== "string") return unreadable(`its ${key} is missing, or neither text nor null`);
  }
  return {
    kind: "recorded",
    endpoint: {
      baseUrl,
      organization: organization as string | null,
      project: project as string | null,
      keyFingerprint: fingerprint,
    },
  };
}

/** What differs between where the session was created and where the call goes now, one line each. */
export function endpointDifferences(recorded: ApiEndpoint, current: ApiEndpoint): string[] {
  return FIELDS.filter(([key]) => recorded[key] !== current[key]).map(([key, what, shown]) => {
    const show = (value: string | null) => (value === null ? "none" : shown(value));
    return `${what}: ${show(recorded[key])} at create, ${show(current[key])} now`;
  });
}
