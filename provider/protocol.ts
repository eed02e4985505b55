import type { APIError } from "openai";

/**
 * What the API's answers say, read the way the API words them: an answer's body as JSON, the id it
 * names, the message of an error body, and the sentences that confirm a session is gone.
 */

/** The body as JSON, or undefined when it is not JSON (then it is reported as malformed). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The session id an answer names, when it names one; an answer that is no session may still. */
export function sessionIdIn(raw: unknown): string | undefined {
  const id = raw && typeof raw === "object" ? (raw as { id?: unknown }).id : undefined;
  return typeof id === "string" && id.length > 0 ? id : undefined;
}

/** The message of the API's error body, or the SDK's own message when the body holds none. */
export function apiMessage(error: APIError): unknown {
  return error.error && typeof error.error === "object" && "message" in error.error
    ? (error.error as { message: unknown }).message
    : error.message;
}

/** The text as a pattern that matches only itself. */
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The API's own sentences saying that this session no longer exists or has already ended, by
 * status. Nothing looser: a message that names a project, an organization or billing, another
 * session or no session at all proves nothing about this one (see emulator/FIDELITY.md).
 */
function goneSentences(id: string): Record<number, RegExp> {
  const session = `chatkit session with id '${literal(id)}'`;
  return {
    404: new RegExp(`^${session} not found\\.?$`, "i"),
    400: new RegExp(`^${session} has already (?:been cancell?ed|expired)\\.?$`, "i"),
  };
}

/**
 * Whether an error confirms that the session is gone: a 404 saying, in the API's words, that this
 * session is not found (not a 404 for an unknown route, such as a base URL without /v1), or a 400
 * saying that this session has already been cancelled or has expired. A 409 is a conflict to
 * retry, never a confirmation.
 */
export function isAlreadyGone(error: APIError, id: string): boolean {
  const message = String(apiMessage(error)).trim();
  const sentence = error.status === undefined ? undefined : goneSentences(id)[error.status];
  return sentence !== undefined && id !== "" && sentence.test(message);
}
