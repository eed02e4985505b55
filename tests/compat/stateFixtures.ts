import * as fs from "node:fs";
import * as path from "node:path";

/**
 * State that a released version of pulumi-chatkit wrote, recorded through the real
 * dynamic-provider host against the emulator (see record.ts). The files never change: a later
 * version must handle them as they are.
 */
export interface StateFixture {
  /** The version that wrote this state, and what recorded it. */
  recordedWith: { package: string; pulumi: string; node: string };
  /** The resource's type token, as the ChatKitSession class registered it. */
  type: string;
  /** minimal: only the required inputs; full: every input given. */
  session: "minimal" | "full";
  /** What the API says about the session at `at`. */
  situation: "live" | "expired" | "cancelled";
  /** Unix seconds: the moment at which the situation holds (tests set the host's clock to it). */
  at: number;
  /** The API's status of the session at `at`, as the emulator answered. */
  apiStatus: "active" | "expired" | "cancelled";
  /** The session id: the resource's id in state. */
  id: string;
  /** The inputs as check returned them (what the engine records as the resource's inputs). */
  inputs: Record<string, any>;
  /** The outputs as create returned them (what the engine records as the resource's outputs). */
  outputs: Record<string, any>;
}

export const STATE_FIXTURES_DIR = path.resolve(__dirname, "../../../tests/fixtures/state");

export const SESSIONS: Record<StateFixture["session"], Record<string, unknown>> = {
  minimal: { user: "compat-minimal-user", workflow: { id: "wf_compat_minimal" } },
  full: {
    user: "compat-full-user",
    workflow: {
      id: "wf_compat_full",
      version: "3",
      stateVariables: { plan: "pro", seats: 5, beta: true },
      tracing: { enabled: false },
    },
    chatkitConfiguration: {
      automaticThreadTitling: { enabled: false },
      fileUpload: { enabled: true, maxFileSize: 16, maxFiles: 4 },
      history: { enabled: true, recentThreads: 20 },
    },
    expiresAfter: { anchor: "created_at", seconds: 480 },
    rateLimits: { maxRequestsPer1Minute: 30 },
    renewBefore: 45,
    triggers: { rotation: "2026-11" },
  },
};

/** Every recorded fixture, by version folder (e.g. "0.1.0/full-live.json"). */
export function loadStateFixtures(): { name: string; fixture: StateFixture }[] {
  return fs
    .readdirSync(STATE_FIXTURES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((dir) =>
      fs
        .readdirSync(path.join(STATE_FIXTURES_DIR, dir.name))
        .filter((file) => file.endsWith(".json"))
        .sort()
        .map((file) => ({
          name: `${dir.name}/${file}`,
          fixture: JSON.parse(fs.readFileSync(path.join(STATE_FIXTURES_DIR, dir.name, file), "utf8")) as StateFixture,
        })),
    );
}

/**
 * Every leaf of a JSON value as "key.path: type" (null and {} count as leaves). Output keys and
 * their types are part of the contract: a renamed, removed or retyped key changes this set.
 */
export function leafShapes(value: unknown, prefix = ""): string[] {
  if (value === null) return [`${prefix}: null`];
  if (typeof value !== "object" || Array.isArray(value) || Object.keys(value).length === 0) {
    return [`${prefix}: ${Array.isArray(value) ? "array" : typeof value}`];
  }
  return Object.entries(value).flatMap(([key, child]) => leafShapes(child, prefix ? `${prefix}.${key}` : key));
}
