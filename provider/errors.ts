import { describeCause } from "./causes";
import { kept } from "./redaction";
import { formatSeconds } from "./seconds";

/**
 * The provider's errors. Each is only data and its message: which failures may be retried is
 * decided in retry.ts, how a failed call is described in apiError.ts.
 */

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

/** What a failed API call is told with, once described (see apiError.ts). */
export interface ApiFailure {
  message: string;
  status?: number;
  type?: string;
  param?: string | null;
  code?: string | null;
  requestId?: string | null;
  hint?: string;
  lastError: unknown;
  attempts: number;
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
    failure: ApiFailure,
  ) {
    super(failure.message);
    this.name = "ChatKitApiError";
    this.status = failure.status;
    this.type = failure.type;
    this.param = failure.param;
    this.code = failure.code;
    this.requestId = failure.requestId;
    this.hint = failure.hint;
    Object.defineProperty(this, "lastError", { value: failure.lastError, enumerable: false });
    this.attempts = failure.attempts;
  }
}
