import type { SessionCreateParams } from "openai/resources/beta/chatkit/sessions";
import { DEFAULTS, effectiveRenewBefore } from "./normalize";
import type { SessionInputs } from "./schema";

/**
 * The outputs of a ChatKitSession. Every input sits at its own key (so the engine keeps a secret
 * input secret: it marks outputs by key path), holding what the API resolved for it.
 */
export type SessionOutputs = {
  user: string;
  workflow: {
    id: string;
    version: string | null;
    stateVariables: Record<string, string | number | boolean> | null;
    tracing: { enabled: boolean };
  };
  chatkitConfiguration: {
    automaticThreadTitling: { enabled: boolean };
    fileUpload: { enabled: boolean; maxFileSize: number | null; maxFiles: number | null };
    history: { enabled: boolean; recentThreads: number | null };
  };
  expiresAfter: { anchor: "created_at"; seconds: number };
  rateLimits: { maxRequestsPer1Minute: number };
  renewBefore: number;
  triggers: Record<string, string> | null;
  clientSecret: string;
  expiresAt: number;
  status: "active" | "expired" | "cancelled";
};

/** The create body, snake_case, holding only what the user gave: the API applies its defaults. */
export function toCreateBody(inputs: SessionInputs): SessionCreateParams {
  const { workflow, chatkitConfiguration: configuration, expiresAfter, rateLimits } = inputs;
  const body: SessionCreateParams = {
    user: inputs.user,
    workflow: {
      id: workflow.id,
      ...(workflow.version !== undefined && { version: workflow.version }),
      ...(workflow.stateVariables !== undefined && {
        state_variables: workflow.stateVariables as Record<string, string | number | boolean>,
      }),
      ...(workflow.tracing !== undefined && { tracing: workflow.tracing }),
    },
  };
  if (configuration) {
    const { automaticThreadTitling, fileUpload, history } = configuration;
    body.chatkit_configuration = {
      ...(automaticThreadTitling && { automatic_thread_titling: automaticThreadTitling }),
      ...(fileUpload && {
        file_upload: dropUndefined({
          enabled: fileUpload.enabled,
          max_file_size: fileUpload.maxFileSize,
          max_files: fileUpload.maxFiles,
        }),
      }),
      ...(history && { history: dropUndefined({ enabled: history.enabled, recent_threads: history.recentThreads }) }),
    };
  }
  if (expiresAfter) body.expires_after = { anchor: "created_at", seconds: expiresAfter.seconds };
  if (rateLimits) body.rate_limits = dropUndefined({ max_requests_per_1_minute: rateLimits.maxRequestsPer1Minute });
  return body;
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The fields of a session answer the provider relies on; the API may send more, which are ignored. */
export interface ChatSessionAnswer {
  id: string;
  object: "chatkit.session";
  client_secret: string;
  expires_at: number;
  status: "active" | "expired" | "cancelled";
  user: string;
  workflow: {
    id: string;
    version?: string | null;
    state_variables?: Record<string, string | number | boolean> | null;
    tracing: { enabled: boolean };
  };
  chatkit_configuration: {
    automatic_thread_titling: { enabled: boolean };
    file_upload: { enabled: boolean; max_file_size?: number | null; max_files?: number | null };
    history: { enabled: boolean; recent_threads?: number | null };
  };
  rate_limits: { max_requests_per_1_minute: number };
}

const isRecord = (value: unknown): value is Record<string, any> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const STATUSES = new Set(["active", "expired", "cancelled"]);

/**
 * The answer as a session, or undefined when it does not have a session's shape (then it is
 * reported as malformed, never half-read). A hand-written guard rather than a zod schema: it runs
 * on every create, where loading and running zod would cost time next to the API call.
 */
export function readSession(raw: unknown): ChatSessionAnswer | undefined {
  if (!isRecord(raw)) return undefined;
  const { workflow, chatkit_configuration: configuration, rate_limits: limits } = raw;
  const valid =
    raw.object === "chatkit.session" &&
    typeof raw.id === "string" &&
    raw.id !== "" &&
    typeof raw.client_secret === "string" &&
    typeof raw.expires_at === "number" &&
    STATUSES.has(raw.status) &&
    typeof raw.user === "string" &&
    isRecord(workflow) &&
    typeof workflow.id === "string" &&
    typeof workflow.tracing?.enabled === "boolean" &&
    isRecord(configuration) &&
    typeof configuration.automatic_thread_titling?.enabled === "boolean" &&
    typeof configuration.file_upload?.enabled === "boolean" &&
    typeof configuration.history?.enabled === "boolean" &&
    isRecord(limits) &&
    typeof limits.max_requests_per_1_minute === "number";
  return valid ? (raw as ChatSessionAnswer) : undefined;
}

/**
 * Why a well-formed create answer still cannot be recorded, or undefined when it can: a session
 * that is not active, or that came without a client secret, is no credential for a front end.
 */
export function unusableReason(session: ChatSessionAnswer): string | undefined {
  if (session.status !== "active") return `its status is ${JSON.stringify(session.status)}, not "active"`;
  if (session.client_secret === "") return "its client_secret is empty";
  return undefined;
}

/**
 * What a cancel answer confirms: the session `id` is cancelled or expired. Anything else (no id or
 * another id, a session still active, a body that is not a session) confirms nothing.
 */
export function confirmedEnd(raw: unknown, id: string): "cancelled" | "expired" | undefined {
  if (!isRecord(raw) || raw.object !== "chatkit.session" || raw.id !== id) return undefined;
  return raw.status === "cancelled" || raw.status === "expired" ? raw.status : undefined;
}

/** The outputs recorded after a create: the API's answer, camelCase, plus our own inputs. */
export function toOutputs(session: ChatSessionAnswer, inputs: SessionInputs): SessionOutputs {
  const { workflow, chatkit_configuration: configuration } = session;
  return {
    user: session.user,
    workflow: {
      id: workflow.id,
      version: workflow.version ?? null,
      stateVariables: workflow.state_variables ?? null,
      tracing: { enabled: workflow.tracing.enabled },
    },
    chatkitConfiguration: {
      automaticThreadTitling: { enabled: configuration.automatic_thread_titling.enabled },
      fileUpload: {
        enabled: configuration.file_upload.enabled,
        maxFileSize: configuration.file_upload.max_file_size ?? null,
        maxFiles: configuration.file_upload.max_files ?? null,
      },
      history: {
        enabled: configuration.history.enabled,
        recentThreads: configuration.history.recent_threads ?? null,
      },
    },
    expiresAfter: {
      anchor: "created_at",
      seconds: inputs.expiresAfter?.seconds ?? DEFAULTS.expiresAfterSeconds,
    },
    rateLimits: { maxRequestsPer1Minute: session.rate_limits.max_requests_per_1_minute },
    renewBefore: effectiveRenewBefore(inputs),
    triggers: inputs.triggers ?? null,
    clientSecret: session.client_secret,
    expiresAt: session.expires_at,
    status: session.status,
  };
}
