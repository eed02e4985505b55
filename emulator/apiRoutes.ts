import type { ServerResponse } from "node:http";
import { assumed } from "./assumptions";
import { authenticate, bearerOf, betaHeaderProblem } from "./auth";
import {
  clientSecretEnded,
  clientSecretUnknown,
  injectedFault,
  invalidBody,
  notJsonBody,
  rateLimited,
  sessionNotFound,
  storeFull,
  workflowNotFound,
} from "./errors";
import type { Fault, FaultEndpoint, FaultInjector } from "./faults";
import type { RateLimiter } from "./rateLimit";
import type { RecordedRequest } from "./requestLog";
import type { Responder } from "./respond";
import { decodedParam, type Exchange, type Route } from "./routes";
import type { CreateBody } from "./session";
import type { Counters, SessionStore } from "./store";
import { validateCreateBody } from "./validate";

/**
 * The API's routes: POST /v1/chatkit/sessions (create), POST /v1/chatkit/sessions/{id}/cancel
 * and GET /v1/chatkit/threads. Each request goes, in order: fault injection, authentication, the
 * beta header, the rate limit, then the endpoint's own validation and action.
 */

export interface ApiContext {
  store: SessionStore;
  faults: FaultInjector;
  limiter: RateLimiter;
  counters: Counters;
  reply: Responder;
  apiKeys?: string[];
  /** Workflows that exist, each optionally bound to a project; by default any id starting with "wf_". */
  workflows?: Record<string, { project?: string }>;
}

/** The API's routes the emulator serves; any other method and path is answered 404 "Invalid URL". */
export const API_ROUTES = [
  {
    method: "POST",
    path: "/v1/chatkit/sessions",
    handle: (context, exchange) => sessionCall(context, exchange, "create", (key) => create(context, exchange, key)),
  },
  {
    method: "POST",
    path: "/v1/chatkit/sessions/{session_id}/cancel",
    handle: (context, exchange) => sessionCall(context, exchange, "cancel", (key) => cancel(context, exchange, key)),
  },
  {
    method: "GET",
    path: "/v1/chatkit/threads",
    handle: listThreads,
  },
] as const satisfies readonly Route<ApiContext>[];

/**
 * A call on a session (create or cancel), in order: fault injection, authentication, the beta
 * header, the rate limit, then the endpoint's own action (`act`, given the caller's key), whose
 * answer a fault that acts after acting may then spoil.
 */
async function sessionCall(
  context: ApiContext,
  { req, res, record }: Exchange,
  endpoint: FaultEndpoint,
  act: (key: string) => Outcome | undefined,
): Promise<void> {
  const { reply } = context;

  const fault = context.faults.take(endpoint);
  if (fault) {
    record.fault = fault.kind;
    if (await answeredByFault(context, fault, res, record)) return;
  }

  const auth = authenticate(req, context.apiKeys);
  if ("error" in auth) return reply.fail(res, record, auth);
  const beta = betaHeaderProblem(req);
  if (beta) return reply.fail(res, record, beta, assumed("beta-header-required"));
  const wait = context.limiter.take(auth.key);
  if (wait !== undefined) {
    context.counters.rateLimited++;
    return reply.fail(res, record, rateLimited(), {
      "retry-after": String(Math.ceil(wait / 1000)),
      "retry-after-ms": String(Math.ceil(wait)),
      ...assumed("rate-limit-window"),
    });
  }

  const outcome = act(auth.key);
  if (!outcome) return;
  const { answer, headers } = outcome;

  if (fault?.kind === "dropAfterActing") return reply.drop(res, record);
  if (fault?.kind === "partialAfterActing") {
    return reply.send(res, record, 200, { id: answer.id, object: answer.object });
  }
  if (fault?.kind === "notJsonAfterActing") return reply.writeRaw(res, record, 200, "<html>502 Bad Gateway</html>");
  reply.send(res, record, 200, answer, headers);
}

/** A session answer, with the headers that mark what of it is our assumption. */
type Outcome = { answer: Record<string, unknown>; headers?: Record<string, string> };

/** Applies a fault that acts before the request is handled; true when it has answered (or never will). */
async function answeredByFault(
  { reply }: ApiContext,
  fault: Fault,
  res: ServerResponse,
  record: RecordedRequest,
): Promise<boolean> {
  if (fault.kind === "latency") await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 1000));
  if (fault.kind === "hang") return true;
  if (fault.kind === "drop") {
    reply.drop(res, record);
    return true;
  }
  if (fault.kind !== "status") return false;
  const headers: Record<string, string> = {};
  if (fault.retryAfterSeconds !== undefined) headers["retry-after"] = String(fault.retryAfterSeconds);
  if (fault.retryAfterMs !== undefined) headers["retry-after-ms"] = String(fault.retryAfterMs);
  reply.fail(res, record, injectedFault(fault.status ?? 500), headers);
  return true;
}

function workflowVisible(context: ApiContext, id: string, project: string | undefined): boolean {
  if (!context.workflows) return id.startsWith("wf_");
  const workflow = Object.hasOwn(context.workflows, id) ? context.workflows[id] : undefined;
  return workflow !== undefined && (workflow.project === undefined || workflow.project === project);
}

/** Validates and creates; answers the error itself and gives undefined when the body is refused. */
function create(context: ApiContext, { req, res, record, body }: Exchange, key: string): Outcome | undefined {
  const { reply } = context;
  if (typeof body === "string") {
    reply.fail(res, record, notJsonBody());
    return undefined;
  }
  const problem = validateCreateBody(body === undefined ? {} : body);
  if (problem) {
    reply.fail(res, record, invalidBody(problem));
    return undefined;
  }
  const request = body as CreateBody;
  const project = req.headers["openai-project"];
  if (!workflowVisible(context, request.workflow.id, typeof project === "string" ? project : undefined)) {
    reply.fail(
      res,
      record,
      workflowNotFound(request.workflow.id),
      context.workflows ? undefined : assumed("workflow-exists"),
    );
    return undefined;
  }
  const made = context.store.create(request, key);
  if ("full" in made) {
    reply.fail(res, record, storeFull(context.store.maxBytes, made.neededBytes), {
      "retry-after": String(made.retryAfterSeconds),
      ...assumed("session-store-limit"),
    });
    return undefined;
  }
  return { answer: context.store.view(made) };
}

/**
 * Cancel: an active session becomes cancelled and its client secret stops working at once; an
 * expired or already cancelled one is answered as it is. Another project's session is not found.
 */
function cancel(context: ApiContext, { res, record, params }: Exchange, key: string): Outcome | undefined {
  const { store } = context;
  const rawId = params[0] ?? "";
  const id = decodedParam(rawId);
  const session = id === undefined ? undefined : store.ownedBy(id, key);
  if (!session) {
    const elsewhere = id !== undefined && store.get(id) !== undefined;
    context.reply.fail(res, record, sessionNotFound(id ?? rawId), elsewhere ? assumed("sessions-per-key") : undefined);
    return undefined;
  }
  const wasActive = store.statusOf(session) === "active";
  const after = store.cancel(session);
  return { answer: store.view(after), headers: wasActive ? undefined : assumed("cancel-not-active") };
}

/**
 * GET /v1/chatkit/threads with an API key (documented) or, as our assumption, with a session's
 * client secret as bearer token, the way the pipeline example's smoke step calls it. Threads are
 * not emulated, so the list is empty; a cancelled or expired secret is refused, and a client secret
 * of no session it holds is told as such. These answers are marked as assumptions.
 */
function listThreads(context: ApiContext, { req, res, record }: Exchange) {
  const { reply, store } = context;
  const bearer = bearerOf(req);
  const session = store.bySecret(bearer);
  if (session) {
    const status = store.statusOf(session);
    if (status !== "active") {
      return reply.fail(res, record, clientSecretEnded(status), assumed("threads-client-secret"));
    }
  } else if (bearer.startsWith("ek_") && !context.apiKeys?.includes(bearer)) {
    return reply.fail(res, record, clientSecretUnknown(), assumed("threads-client-secret"));
  } else {
    const auth = authenticate(req, context.apiKeys);
    if ("error" in auth) return reply.fail(res, record, auth);
  }
  const marks = session ? assumed("threads-client-secret", "threads-not-emulated") : assumed("threads-not-emulated");
  reply.send(res, record, 200, { object: "list", data: [], first_id: null, last_id: null, has_more: false }, marks);
}
