/**
 * Behaviours of the emulator that no public source states: our assumptions. Every answer that
 * one of them shapes carries `x-emulator-assumption: <id>` (comma-separated when several), and
 * each has a row in FIDELITY.md, so that nobody takes it for the API's behaviour.
 */
export const ASSUMPTIONS = {
  "threads-client-secret":
    "GET /v1/chatkit/threads accepts a live session's client secret as bearer and refuses it (401) once the session is cancelled or expired",
  "threads-not-emulated": "GET /v1/chatkit/threads answers an empty list: threads are not emulated",
  "beta-header-required": "a request without OpenAI-Beta: chatkit_beta=v1 is refused with 400 missing_beta_header",
  "rate-limit-window":
    "the per-key limit (off unless --rate-limit is given) is a sliding one-minute window, answered with this message, Retry-After and retry-after-ms",
  "body-size-limit": "a body above 16 MiB is refused with 413 request_too_large",
  "session-store-limit":
    "a create that would make the stored sessions exceed maxStoredBytes (64 MiB by default), after ended ones are forgotten, is refused with 429 session_store_full and Retry-After",
  "cancel-not-active": "cancelling an expired or cancelled session answers 200 with the session as it is, secret empty",
  "sessions-per-key":
    "a session is visible only to the key that created it: another key's cancel gets the not-found 404",
  "workflow-exists": "a workflow exists when its id starts with wf_ (unless workflows are configured)",
} as const;

export type AssumptionId = keyof typeof ASSUMPTIONS;

export const ASSUMPTION_HEADER = "x-emulator-assumption";

/** The header that marks an answer as shaped by these assumptions. */
export function assumed(...ids: AssumptionId[]): Record<string, string> {
  return { [ASSUMPTION_HEADER]: ids.join(", ") };
}
