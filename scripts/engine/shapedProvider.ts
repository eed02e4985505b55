import { randomBytes } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import type { RecordedOutputs } from "../../provider/lifecycle";

/** What a session of the API's defaults records besides its inputs, its client secret as long as the emulator's. */
export const SESSION_OUTPUTS: Omit<RecordedOutputs, "user" | "triggers"> = {
  workflow: { id: "wf_engine", version: null, stateVariables: null, tracing: { enabled: true } },
  chatkitConfiguration: {
    automaticThreadTitling: { enabled: true },
    fileUpload: { enabled: false, maxFileSize: 512, maxFiles: 10 },
    history: { enabled: true, recentThreads: null },
  },
  expiresAfter: { anchor: "created_at", seconds: 600 },
  rateLimits: { maxRequestsPer1Minute: 10 },
  renewBefore: 60,
  clientSecret: `ek_${"0".repeat(48)}`,
  expiresAt: 1_800_000_000,
  status: "active",
  apiClockOffset: 0,
  apiEndpoint: {
    baseUrl: "http://127.0.0.1:8787/v1",
    organization: null,
    project: null,
    keyFingerprint: "000000000000",
  },
};

/**
 * A dynamic provider that answers every call at once like a session, with every output a session
 * records: what the engine costs for a resource of a session's shape, with none of this
 * provider's code and no API. The engine bench's program records it by path.
 */
export const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    const id = `cksess_${randomBytes(16).toString("hex")}`;
    return { id, outs: { ...SESSION_OUTPUTS, user: inputs.user, triggers: inputs.triggers ?? null } };
  },
};
