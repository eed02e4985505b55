import type { SessionCreateParams } from "openai/resources/beta/chatkit/sessions";
import { z } from "zod";
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

const flag = z.object({ enabled: z.boolean() });
const nullableInt = z.number().nullable().optional();

/**
 * What the provider relies on in a session answer. Unknown fields are ignored (the API may add
 * some); a body that does not match is reported as a malformed answer, never half-read.
 */
export const chatSessionSchema = z.object({
  id: z.string().min(1),
  object: z.literal("chatkit.session"),
  client_secret: z.string(),
  expires_at: z.number(),
  status: z.enum(["active", "expired", "cancelled"]),
  user: z.string(),
  workflow: z.object({
    id: z.string(),
    version: z.string().nullable().optional(),
    state_variables: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .nullable()
      .optional(),
    tracing: flag,
  }),
  chatkit_configuration: z.object({
    automatic_thread_titling: flag,
    file_upload: z.object({ enabled: z.boolean(), max_file_size: nullableInt, max_files: nullableInt }),
    history: z.object({ enabled: z.boolean(), recent_threads: nullableInt }),
  }),
  rate_limits: z.object({ max_requests_per_1_minute: z.number() }),
});

export type ChatSessionAnswer = z.output<typeof chatSessionSchema>;

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
