import { APIConnectionError, APIConnectionTimeoutError, APIError } from "openai";
import { kept, redact, shownId, shownUrl } from "./redaction";
import type { AttemptsFailed } from "./retry";
import type { ResolvedSettings } from "./settings";

export type Operation = "create" | "cancel";

/** The answer did not have the shape of a ChatKit session (not JSON, or missing fields). */
export class MalformedAnswerError extends Error {
  constructor(
    readonly operation: Operation,
    readonly sessionId: string | undefined,
  ) {
    super(
      operation === "cancel"
        ? `the API answered the cancel with a body that does not confirm that session ${sessionId} ended`
        : `the API answered the ${operation} with a body that is not a ChatKit session`,
    );
    this.name = "MalformedAnswerError";
  }
}

/** The API created a session that cannot be used: not active, or without a client secret. */
export class UnusableSessionError extends Error {
  constructor(
    readonly sessionId: string,
    readonly reason: string,
    /** Whether the session is still active on the API's side (and so worth cancelling). */
    readonly live: boolean,
  ) {
    super(`the API answered the create with session ${kept(sessionId)}, which cannot be used: ${kept(reason)}`);
    this.name = "UnusableSessionError";
  }
}

/**
 * The request never left this machine: the API cannot have acted. `transient` failures (a
 * connection refused, a name that did not resolve) are worth another attempt; the others (a header
 * that cannot be encoded, a port that fetch refuses) fail the same way every time.
 */
export class NotSentError extends Error {
  constructor(
    readonly reason: string,
    readonly transient: boolean,
  ) {
    super(`nothing was sent: ${reason}`);
    this.name = "NotSentError";
  }
}

/**
 * The attempt ran out of time; `answerStarted` tells whether the status line had arrived, and
 * `status` is its HTTP status when known.
 */
export class AttemptTimedOutError extends Error {
  constructor(
    readonly limitMs: number,
    readonly answerStarted: boolean,
    readonly status?: number,
  ) {
    super(
      status !== undefined
        ? `the answer started (HTTP ${status}) and did not finish within ${formatSeconds(limitMs)}`
        : answerStarted
          ? `the answer did not finish arriving within ${formatSeconds(limitMs)} (the API had started answering)`
          : `no answer within ${formatSeconds(limitMs)}`,
    );
    this.name = "AttemptTimedOutError";
  }
}

/** The connection broke while the answer's body was arriving: the API had already answered. */
export class AnswerInterruptedError extends Error {
  constructor(
    readonly status: number,
    cause: unknown,
  ) {
    super(
      `the connection was closed while the answer (HTTP ${status}) was arriving, so it could not be read (${describeCause(cause)})`,
    );
    this.name = "AnswerInterruptedError";
  }
}

export const formatSeconds = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`;

function describeCause(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    parts.push(
      typeof code === "string" && !current.message.includes(code) ? `${current.message} ${code}` : current.message,
    );
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join(": ") || String(error);
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

function innermostMessage(error: unknown): string {
  let current: unknown = error;
  let message = "";
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    message = current.message;
    current = (current as { cause?: unknown }).cause;
  }
  return message;
}

/** Connection failures that happen before a byte of the request is written. */
const UNSENT_CODES: Record<string, string> = {
  ECONNREFUSED: "the connection was refused",
  ENOTFOUND: "the host name did not resolve",
  EAI_AGAIN: "the host name could not be resolved for now",
  EHOSTUNREACH: "the host is unreachable",
  ENETUNREACH: "the network is unreachable",
};

/**
 * What the SDK threw when an attempt did not get an answer, turned into NotSentError where the
 * request cannot have left this machine. Anything else is left as it is: it may have been sent.
 */
export function classifySendFailure(error: unknown, baseURL: string): unknown {
  if (error instanceof APIError && !(error instanceof APIConnectionError)) return error;
  if (error instanceof APIConnectionTimeoutError) return error;
  if (error instanceof APIConnectionError) {
    const code = connectionCode(error);
    if (code && code in UNSENT_CODES) return new NotSentError(`${UNSENT_CODES[code]} (${code})`, true);
    if (code && /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|EPROTO$)/.test(code)) {
      // The TLS handshake comes before the request: it failed, so nothing was written.
      return new NotSentError(
        `the TLS handshake with ${shownUrl(baseURL)} failed (${code}): check that the address is right (http or https) and that its certificate is trusted`,
        false,
      );
    }
    const inner = innermostMessage(error);
    if (inner === "bad port") {
      return new NotSentError(
        `fetch refuses to connect to the port of ${shownUrl(baseURL)} (a port reserved for other protocols, such as 6000)`,
        false,
      );
    }
    if (inner === "unknown scheme")
      return new NotSentError(`fetch cannot use the scheme of ${shownUrl(baseURL)}`, false);
    return error;
  }
  // Everything else was thrown while building the request, before fetch was called.
  if (error instanceof RangeError && /string length/i.test(error.message)) {
    return new NotSentError("the request body is too large to serialize as JSON", false);
  }
  if (error instanceof TypeError && /ByteString|header/i.test(error.message)) {
    return new NotSentError(
      // Not the runtime's message: it may quote the header's value.
      "a request header holds a character that HTTP headers cannot carry (check the API key, chatkit:organization and chatkit:project; the value is not shown here)",
      false,
    );
  }
  if (error instanceof Error) return new NotSentError(`the request could not be built: ${error.message}`, false);
  return error;
}

/**
 * Statuses that prove the API did not act on a create. Only 429 does: the API turns the request
 * away before doing anything. A 502, 503 or 504 may come from a gateway after it forwarded the
 * request, so the API may have created a session (see README, "Reliability").
 */
const NOT_ACTED_STATUSES = new Set([429]);
/** Statuses worth retrying when repeating the request is harmless (cancel). */
const TRANSIENT_STATUSES = new Set([408, 409, 429, 500, 502, 503, 504]);

/**
 * Whether a failure is worth another attempt. A cancel is idempotent, so every transient failure
 * is retried. A create is retried only when the answer proves the API did not act: the API has no
 * idempotency key, so repeating a create that may have succeeded could mint a second credential.
 */
export function isRetryable(operation: Operation, error: unknown): boolean {
  if (error instanceof NotSentError) return error.transient;
  if (error instanceof UnusableSessionError) return false;
  if (error instanceof APIError && error.status !== undefined) {
    return (operation === "create" ? NOT_ACTED_STATUSES : TRANSIENT_STATUSES).has(error.status);
  }
  // Connection failures, timeouts and unreadable answers: repeating a cancel is harmless.
  return operation === "cancel";
}

/**
 * A create whose outcome is unknown: the request may have reached the API and created a session.
 * Only an answer that says otherwise (a 4xx, even one whose body never finished arriving) or a
 * request that never left rules it out; a 5xx, a lost connection, a timeout or an unreadable
 * answer do not.
 */
export function mayHaveCreated(error: unknown): boolean {
  if (error instanceof NotSentError) return false;
  if (error instanceof APIError && error.status !== undefined) return error.status >= 500;
  // A 4xx status line says the API refused the request, whether or not its body then arrived.
  if (error instanceof AttemptTimedOutError && error.status !== undefined)
    return !(error.status >= 400 && error.status < 500);
  return true;
}

/** OpenAI scheduled Agent Builder, where the workflows of hosted sessions come from, to shut down then. */
export const AGENT_BUILDER_SHUTDOWN_MS = Date.UTC(2026, 10, 30);

const SUNSET_HINT =
  "OpenAI scheduled Agent Builder, where the workflows behind ChatKit sessions are built, to shut down on 2026-11-30: this failure may be that shutdown. ChatKit itself stays available; for new work OpenAI recommends ChatKit's advanced integration with your own server (see the ChatKit guide on developers.openai.com). The local emulator keeps examples, teaching and offline pipelines working.";

/** A create failure that fits the Agent Builder shutdown: a missing workflow, 410 Gone, or words saying so. */
function fitsSunset(error: APIError, message: string, aboutWorkflow: boolean): boolean {
  if (error.status === 410) return true;
  if (error.status === 404 && aboutWorkflow) return true;
  return /deprecat|shut ?down|sunset|discontinued|no longer (available|supported)|agent builder/i.test(message);
}

/** " to <where>" of a redirect's Location, shown as a base URL is: it often repeats the base URL's path. */
function redirectTarget(error: APIError, baseURL: string): string {
  const location = error.headers?.get("location");
  if (!location) return "";
  try {
    return ` to ${shownUrl(new URL(location, baseURL).href)}`;
  } catch {
    return "";
  }
}

function hintFor(
  error: unknown,
  operation: Operation,
  settings: ResolvedSettings,
  attempts: number,
  nowMs: number,
): string | undefined {
  if (error instanceof APIError && error.status !== undefined) {
    const message = kept(String(error.message ?? ""));
    const aboutWorkflow = /workflow/i.test(`${message} ${kept(String(error.param ?? ""))}`);
    if (operation === "create" && nowMs >= AGENT_BUILDER_SHUTDOWN_MS && fitsSunset(error, message, aboutWorkflow)) {
      return error.status === 404
        ? `${SUNSET_HINT} If the workflow should still exist, check that the key belongs to its organization and project (chatkit:organization, chatkit:project).`
        : SUNSET_HINT;
    }
    if (error.status >= 300 && error.status < 400) {
      return `${shownUrl(settings.baseURL)} answered with a redirect${redirectTarget(error, settings.baseURL)}, which was not followed: the API never redirects, and following would send the request to an address nobody configured. Set chatkit:baseUrl (or OPENAI_BASE_URL) to the address the API answers on (https://api.openai.com/v1, or your proxy's).`;
    }
    if (error.status === 401) {
      const refused = `The API key was refused. It came from ${settings.apiKeySource}; check that it is a current key for ${shownUrl(settings.baseURL)}.`;
      if (operation === "cancel" && settings.apiKeySource.startsWith("stack config")) {
        return `${refused} pulumi refresh and pulumi destroy use the stack config recorded in state at the last pulumi up, not the current one: after rotating chatkit:apiKey, run pulumi up first, or pulumi destroy --run-program (Pulumi CLI 3.160 or later).`;
      }
      return refused;
    }
    if (error.status === 403) {
      return `The key (from ${settings.apiKeySource}) is not allowed to use ChatKit here; check its permissions and the project (${shownId(settings.project)}).`;
    }
    if (error.status === 404 && operation === "create" && aboutWorkflow) {
      return `The workflow is not visible to this key. This usually means the key belongs to another organization or project than the workflow: organization (${shownId(settings.organization)}), project (${shownId(settings.project)}). Set chatkit:organization and chatkit:project (or OPENAI_ORG_ID and OPENAI_PROJECT_ID) to the workflow's.`;
    }
    if (error.status === 404 && operation === "cancel" && /invalid url/i.test(message)) {
      return `The API does not know this route: check that chatkit:baseUrl (or OPENAI_BASE_URL) ends with /v1; it is ${shownUrl(settings.baseURL)}.`;
    }
    if (error.status === 429) {
      return `Still rate limited after ${attempts} attempt${attempts === 1 ? "" : "s"}. The limit belongs to the key or its project: wait, run with lower parallelism (pulumi up --parallel 4), or raise the limit.`;
    }
  }
  if (error instanceof APIConnectionTimeoutError || error instanceof AttemptTimedOutError) {
    return `No complete answer from ${shownUrl(settings.baseURL)} within the time allowed (stack config chatkit:timeoutSeconds, ${formatSeconds(settings.timeoutMs)} per attempt, within chatkit:retryBudgetSeconds, ${formatSeconds(settings.retryBudgetMs)} in all).`;
  }
  if (error instanceof NotSentError && error.transient) {
    return `Could not talk to ${shownUrl(settings.baseURL)}: check the address (chatkit:baseUrl or OPENAI_BASE_URL) and the network.`;
  }
  if (error instanceof APIConnectionError) {
    return `The connection to ${shownUrl(settings.baseURL)} was closed before an answer arrived (the server, a proxy or the network dropped it); check the address (chatkit:baseUrl or OPENAI_BASE_URL) and the network.`;
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
    nowMs: number = Date.now(),
    /** Further secrets to keep out of the message (a session's client secret). */
    secrets: readonly string[] = [],
  ) {
    const error = failure.lastError;
    const api = error instanceof APIError && error.status !== undefined ? error : undefined;
    const hint = hintFor(error, operation, settings, failure.attempts, nowMs);
    const hidden = [settings.apiKey, ...secrets];
    // What the answer said, each part kept to a bounded length before it is scanned (see redaction.ts).
    const said = <T>(value: T) => (typeof value === "string" ? redact(kept(value), hidden) : value);
    const parts = [`ChatKit session ${operation} ${failure.message}:`];
    if (api?.status !== undefined) {
      parts.push(
        `HTTP ${api.status}${api.type ? ` ${kept(String(api.type))}` : ""}${api.param ? ` (param ${kept(String(api.param))})` : ""}${api.code ? ` [${kept(String(api.code))}]` : ""}:`,
      );
      parts.push(
        kept(
          String(
            api.error && typeof api.error === "object" && "message" in api.error
              ? (api.error as { message: unknown }).message
              : api.message,
          ),
        ),
      );
      parts.push(`(request id ${api.requestID ? kept(String(api.requestID)) : "none"})`);
    } else if (error instanceof APIConnectionError && !(error instanceof APIConnectionTimeoutError) && error.cause) {
      // The SDK says only "Connection error."; what broke is in its cause (a reset, a refusal).
      parts.push(kept(`${error.message} (${describeCause(error.cause)})`));
    } else {
      parts.push(kept(error instanceof Error ? error.message : String(error)));
    }
    let message = parts.join(" ");
    if (hint) message += `\nHint: ${hint}`;
    super(redact(message, hidden));
    this.name = "ChatKitApiError";
    this.status = api?.status;
    this.type = said(api?.type);
    this.param = said(api?.param);
    this.code = said(api?.code);
    this.requestId = said(api?.requestID);
    this.hint = hint && redact(hint, hidden);
    Object.defineProperty(this, "lastError", { value: error, enumerable: false });
    this.attempts = failure.attempts;
  }
}
