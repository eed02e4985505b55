import { APIConnectionError, APIConnectionTimeoutError, APIError } from "openai";
import { describeCause } from "./causes";
import { ChatKitApiError, type Operation } from "./errors";
import { hintFor } from "./hints";
import { apiMessage } from "./protocol";
import { kept, redact } from "./redaction";
import type { AttemptsFailed } from "./retry";
import type { ResolvedSettings } from "./settings";

/**
 * Describes an operation that gave up as a ChatKitApiError: what the API said (status, type,
 * param, code, message, request id), or what broke when it said nothing, and the hint. Nothing
 * secret: the key, and any further secrets given (a session's client secret), are redacted.
 */
export function chatKitApiError(
  operation: Operation,
  failure: AttemptsFailed,
  settings: ResolvedSettings,
  nowMs: number = Date.now(),
  /** Further secrets to keep out of the message (a session's client secret). */
  secrets: readonly string[] = [],
): ChatKitApiError {
  const error = failure.lastError;
  const api = error instanceof APIError && error.status !== undefined ? error : undefined;
  const hint = hintFor(error, operation, settings, failure.attempts, nowMs);
  const hidden = [settings.apiKey, ...secrets];
  // What the answer said, each part kept to a bounded length before it is scanned (see redaction.ts).
  const said = <T>(value: T) => (typeof value === "string" ? redact(kept(value), hidden) : value);
  const parts = [`ChatKit session ${operation} ${failure.message}:`];
  if (api) {
    parts.push(
      `HTTP ${api.status}${api.type ? ` ${kept(String(api.type))}` : ""}${api.param ? ` (param ${kept(String(api.param))})` : ""}${api.code ? ` [${kept(String(api.code))}]` : ""}:`,
    );
    parts.push(kept(String(apiMessage(api))));
    parts.push(`(request id ${api.requestID ? kept(String(api.requestID)) : "none"})`);
  } else if (error instanceof APIConnectionError && !(error instanceof APIConnectionTimeoutError) && error.cause) {
    // The SDK says only "Connection error."; what broke is in its cause (a reset, a refusal).
    parts.push(kept(`${error.message} (${describeCause(error.cause)})`));
  } else {
    parts.push(kept(error instanceof Error ? error.message : String(error)));
  }
  let message = parts.join(" ");
  if (hint) message += `\nHint: ${hint}`;
  return new ChatKitApiError(operation, {
    message: redact(message, hidden),
    status: api?.status,
    type: said(api?.type),
    param: said(api?.param),
    code: said(api?.code),
    requestId: said(api?.requestID),
    hint: hint && redact(hint, hidden),
    lastError: error,
    attempts: failure.attempts,
  });
}
