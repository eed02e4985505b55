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

export function keyFingerprint(apiKey: string): string {
  return createHash("sha256").update(apiKey).digest("hex").slice(0, 12);
}

/** The endpoint of each resolved settings object, which resolveSettings reuses while nothing changed. */
const endpointOfSettings = new WeakMap<Readonly<ResolvedSettings>, Readonly<ApiEndpoint>>();

export function endpointOf(settings: Readonly<ResolvedSettings>): ApiEndpoint {
  let endpoint = endpointOfSettings.get(settings);
  if (!endpoint) {
    endpoint = Object.freeze({
      // Never holds a user name or password: settings refuse a base URL with either.
      baseUrl: settings.baseURL,
      organization: settings.organization ?? null,
      project: settings.project ?? null,
      keyFingerprint: keyFingerprint(settings.apiKey),
    });
    endpointOfSettings.set(settings, endpoint);
  }
  // A copy: it goes into each session's outputs.
  return { ...endpoint };
}

/** Each part, and how a message shows it: never the value of a setting, which may be secret. */
const FIELDS: Array<[keyof ApiEndpoint, string, (value: string) => string]> = [
  ["baseUrl", "the base URL", shownUrl],
  ["organization", "the organization", (value) => `fingerprint ${fingerprint(value)}`],
  ["project", "the project", (value) => `fingerprint ${fingerprint(value)}`],
  ["keyFingerprint", "the API key (by fingerprint)", (value) => JSON.stringify(value)],
];

/** The endpoint recorded in a state, or undefined when there is none (state written by 0.1.0). */
export function recordedEndpoint(value: unknown): ApiEndpoint | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const record = value as Record<string, unknown>;
  const text = (key: string) => (typeof record[key] === "string" ? (record[key] as string) : null);
  const baseUrl = text("baseUrl");
  const fingerprint = text("keyFingerprint");
  if (baseUrl === null || fingerprint === null) return undefined;
  return {
    baseUrl,
    organization: text("organization"),
    project: text("project"),
    keyFingerprint: fingerprint,
  };
}

/** What differs between where the session was created and where the call goes now, one line each. */
export function endpointDifferences(recorded: ApiEndpoint, current: ApiEndpoint): string[] {
  return FIELDS.filter(([key]) => recorded[key] !== current[key]).map(([key, what, shown]) => {
    const show = (value: string | null) => (value === null ? "none" : shown(value));
    return `${what}: ${show(recorded[key])} at create, ${show(current[key])} now`;
  });
}
