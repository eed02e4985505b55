import { APIConnectionError, APIConnectionTimeoutError, APIError } from "openai";
import { AttemptTimedOutError, NotSentError, type Operation } from "./errors";
import { kept, shownId, shownUrl } from "./redaction";
import { formatSeconds } from "./seconds";
import type { ResolvedSettings } from "./settings";
import { sunsetHint } from "./sunset";

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

/**
 * Whether the answer is the local emulator's missing workflow: it marks what its own rule decided
 * (a workflow exists when its id starts with wf_) with this header, so the user is on the
 * emulator, not on an API Agent Builder's shutdown could explain.
 */
function emulatorMissingWorkflow(error: APIError): boolean {
  const assumptions = error.headers?.get("x-emulator-assumption") ?? "";
  return error.status === 404 && assumptions.split(",").some((id) => id.trim() === "workflow-exists");
}

/** What to do about a failure, when there is something to say: every hint a failed call carries. */
export function hintFor(
  error: unknown,
  operation: Operation,
  settings: ResolvedSettings,
  attempts: number,
  nowMs: number,
): string | undefined {
  if (error instanceof APIError && error.status !== undefined) {
    const message = kept(String(error.message ?? ""));
    const aboutWorkflow = /workflow/i.test(`${message} ${kept(String(error.param ?? ""))}`);
    if (operation === "create" && emulatorMissingWorkflow(error)) {
      return "This answer is the local ChatKit emulator's: it knows a workflow when its id starts with wf_ (its assumption workflow-exists; see the emulator's FIDELITY.md, served at /_emulator/docs/FIDELITY.md). Check the workflow id's spelling.";
    }
    const sunset = sunsetHint(error, operation, nowMs, message, aboutWorkflow);
    if (sunset) return sunset;
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
