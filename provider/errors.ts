import { APIConnectionError, APIConnectionTimeoutError, APIError } from "openai";
import type { AttemptsFailed } from "./retry";
import type { ResolvedSettings } from "./settings";

export type Operation = "create" | "cancel";

/** The answer did not have the shape of a ChatKit session (not JSON, or missing fields). */
export class MalformedAnswerError extends Error {
  constructor(
    readonly operation: Operation,
    readonly sessionId: string | undefined,
  ) {
    super(`the API answered the ${operation} with a body that is not a ChatKit session`);
    this.name = "MalformedAnswerError";
  }
}

function connectionCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The connection failed before the request could be sent: the server cannot have acted. */
function failedBeforeSending(error: unknown): boolean {
  return (
    error instanceof APIConnectionError &&
    !(error instanceof APIConnectionTimeoutError) &&
    ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"].includes(connectionCode(error) ?? "")
  );
}

/** Statuses that say the request was turned away before the API acted on it. */
const NOT_ACTED_STATUSES = new Set([429, 502, 503, 504]);
/** Statuses worth retrying when repeating the request is harmless (cancel). */
const TRANSIENT_STATUSES = new Set([408, 409, 429, 500, 502, 503, 504]);

/**
 * Whether a failure is worth another attempt. A cancel is idempotent, so every transient failure
 * is retried. A create is retried only when the API cannot have created anything: the API has no
 * idempotency key, so repeating a create that may have succeeded could mint a second credential.
 */
export function isRetryable(operation: Operation, error: unknown): boolean {
  if (error instanceof APIError && error.status !== undefined) {
    return (operation === "create" ? NOT_ACTED_STATUSES : TRANSIENT_STATUSES).has(error.status);
  }
  if (operation === "create") return failedBeforeSending(error);
  // Connection failures, timeouts and unreadable answers: repeating a cancel is harmless.
  return true;
}

/**
 * A create whose outcome is unknown: the request may have reached the API and created a session.
 * Only an answer that says otherwise (a 4xx, or a status that turns requests away) or a connection
 * that never opened rules it out; a 500, a lost connection, a timeout or an unreadable answer do not.
 */
export function mayHaveCreated(error: unknown): boolean {
  if (error instanceof APIError && error.status !== undefined) {
    return error.status >= 500 && !NOT_ACTED_STATUSES.has(error.status);
  }
  return !failedBeforeSending(error);
}

/** Removes anything that looks like an API key or a client secret from text we pass on. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= 4) result = result.split(secret).join("[redacted]");
  }
  // OpenAI's 401 message quotes a masked fragment of the key ("sk-pro********abcd"): drop it too.
  return result.replace(/\b(sk|ek)[-_][A-Za-z0-9*_\-.]{4,}/g, "$1-[redacted]").replace(/\S*\*{4,}\S*/g, "[redacted]");
}

function hintFor(
  error: unknown,
  operation: Operation,
  settings: ResolvedSettings,
  attempts: number,
): string | undefined {
  if (error instanceof APIError) {
    const message = String(error.message ?? "");
    if (error.status === 401) {
      return `The API key was refused. It came from ${settings.apiKeySource}; check that it is a current key for ${settings.baseURL}.`;
    }
    if (error.status === 403) {
      return `The key (from ${settings.apiKeySource}) is not allowed to use ChatKit here; check its permissions and the project ${settings.project ?? "(the key's default)"}.`;
    }
    if (error.status === 404 && operation === "create" && /workflow/i.test(`${message} ${error.param ?? ""}`)) {
      return `The workflow is not visible to this key. This usually means the key belongs to another organization or project than the workflow: organization ${settings.organization ?? "(the key's default)"}, project ${settings.project ?? "(the key's default)"}. Set chatkit:organization and chatkit:project (or OPENAI_ORG_ID and OPENAI_PROJECT_ID) to the workflow's.`;
    }
    if (error.status === 429) {
      return `Still rate limited after ${attempts} attempt${attempts === 1 ? "" : "s"}. The limit belongs to the key or its project: wait, run with lower parallelism (pulumi up --parallel 4), or raise the limit.`;
    }
  }
  if (error instanceof APIConnectionTimeoutError) {
    return `No answer from ${settings.baseURL} within ${settings.timeoutMs / 1000} s (stack config chatkit:timeoutSeconds).`;
  }
  if (error instanceof APIConnectionError) {
    return `Could not talk to ${settings.baseURL}: check the address (chatkit:baseUrl or OPENAI_BASE_URL) and the network.`;
  }
  return undefined;
}

/** A failed API call, with everything needed to act on it and nothing secret. */
export class ChatKitApiError extends Error {
  readonly status?: number;
  readonly type?: string;
  readonly param?: string | null;
  readonly code?: string | null;
  readonly requestId?: string | null;
  readonly hint?: string;
  /**
   * The failure of the last attempt, as the SDK reported it. Not enumerable, so that printing this
   * error never shows the SDK's raw message (a 401 quotes a fragment of the key).
   */
  declare readonly lastError: unknown;
  readonly attempts: number;

  constructor(
    readonly operation: Operation,
    failure: AttemptsFailed,
    settings: ResolvedSettings,
  ) {
    const error = failure.lastError;
    const api = error instanceof APIError ? error : undefined;
    const hint = hintFor(error, operation, settings, failure.attempts);
    const parts = [`ChatKit session ${operation} ${failure.message}:`];
    if (api?.status !== undefined) {
      parts.push(
        `HTTP ${api.status}${api.type ? ` ${api.type}` : ""}${api.param ? ` (param ${api.param})` : ""}${api.code ? ` [${api.code}]` : ""}:`,
      );
      parts.push(
        String(
          api.error && typeof api.error === "object" && "message" in api.error
            ? (api.error as { message: unknown }).message
            : api.message,
        ),
      );
      parts.push(`(request id ${api.requestID ?? "none"})`);
    } else {
      parts.push(error instanceof Error ? error.message : String(error));
    }
    let message = parts.join(" ");
    if (hint) message += `\nHint: ${hint}`;
    super(redact(message, [settings.apiKey]));
    this.name = "ChatKitApiError";
    this.status = api?.status;
    this.type = api?.type;
    this.param = api?.param;
    this.code = api?.code;
    this.requestId = api?.requestID;
    this.hint = hint;
    Object.defineProperty(this, "lastError", { value: error, enumerable: false });
    this.attempts = failure.attempts;
  }
}
