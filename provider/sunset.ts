import type { APIError } from "openai";
import type { Operation } from "./errors";

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

/**
 * The hint for a failure that may be the Agent Builder shutdown: a create failing on or after the
 * day in a way that fits it. `message` is the API's (bounded) text, `aboutWorkflow` whether it or
 * the param names the workflow.
 */
export function sunsetHint(
  error: APIError,
  operation: Operation,
  nowMs: number,
  message: string,
  aboutWorkflow: boolean,
): string | undefined {
  if (operation !== "create" || nowMs < AGENT_BUILDER_SHUTDOWN_MS || !fitsSunset(error, message, aboutWorkflow))
    return undefined;
  return error.status === 404
    ? `${SUNSET_HINT} If the workflow should still exist, check that the key belongs to its organization and project (chatkit:organization, chatkit:project).`
    : SUNSET_HINT;
}
