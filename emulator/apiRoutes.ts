import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticate, bearerOf, missingBetaHeader } from "./auth";
import type { Fault, FaultEndpoint, FaultInjector } from "./faults";
import type { RateLimiter } from "./rateLimit";
import type { RecordedRequest } from "./requestLog";
import type { Responder } from "./respond";
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

const CANCEL_PATH = /^\/v1\/chatkit\/sessions\/([^/]+)\/cancel$/;

export async function handleApi(
  context: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  record: RecordedRequest,
  body: unknown,
): Promise<void> {
  const { reply } = context;
  if (record.path === "/v1/chatkit/threads" && req.method === "GET") return listThreads(context, req, res, record);
  const cancelMatch = CANCEL_PATH.exec(record.path);
  const endpoint: FaultEndpoint | undefined =
    record.path === "/v1/chatkit/sessions" ? "create" : cancelMatch ? "cancel" : undefined;
  if (!endpoint || req.method !== "POST") {
    return reply.fail(res, record, 404, {
      message: `Invalid URL (${req.method} ${record.path})`,
      type: "invalid_request_error",
      param: null,
      code: null,
    });
  }

  const fault = context.faults.take(endpoint);
  if (fault) {
    record.fault = fault.kind;
    if (await answeredByFault(context, fault, req, res, record)) return;
  }

  const auth = authenticate(req, context.apiKeys);
  if ("error" in auth) return reply.fail(res, record, auth.status, auth.error);
  const beta = missingBetaHeader(req);
  if (beta) return reply.fail(res, record, 400, beta);
  const wait = context.limiter.take(auth.key);
  if (wait !== undefined) {
    context.counters.rateLimited++;
    return reply.fail(
      res,
      record,
      429,
      {
        message: "Rate limit reached for requests. Please try again later.",
        type: "requests",
        param: null,
        code: "rate_limit_exceeded",
      },
      { "retry-after": String(Math.ceil(wait / 1000)), "retry-after-ms": String(Math.ceil(wait)) },
    );
  }

  const answer =
    endpoint === "create"
      ? create(context, req, res, record, body, auth.key)
      : cancel(context, res, record, auth.key, cancelMatch?.[1] ?? "");
  if (!answer) return;

  if (fault?.kind === "dropAfterActing") return reply.drop(res, record);
  if (fault?.kind === "partialAfterActing") {
    return reply.send(res, record, 200, { id: answer.id, object: answer.object });
  }
  if (fault?.kind === "notJsonAfterActing") return reply.writeRaw(res, record, 200, "<html>502 Bad Gateway</html>");
  reply.send(res, record, 200, answer);
}

/** Applies a fault that acts before the request is handled; true when it has answered (or never will). */
async function answeredByFault(
  { reply }: ApiContext,
  fault: Fault,
  req: IncomingMessage,
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
  const status = fault.status ?? 500;
  const headers: Record<string, string> = {};
  if (fault.retryAfterSeconds !== undefined) headers["retry-after"] = String(fault.retryAfterSeconds);
  if (fault.retryAfterMs !== undefined) headers["retry-after-ms"] = String(fault.retryAfterMs);
  const type = status === 429 ? "requests" : status >= 500 ? "server_error" : "invalid_request_error";
  reply.fail(
    res,
    record,
    status,
    { message: `Injected fault: HTTP ${status}.`, type, param: null, code: null },
    headers,
  );
  return true;
}

function workflowVisible(context: ApiContext, id: string, project: string | undefined): boolean {
  if (!context.workflows) return id.startsWith("wf_");
  const workflow = Object.hasOwn(context.workflows, id) ? context.workflows[id] : undefined;
  return workflow !== undefined && (workflow.project === undefined || workflow.project === project);
}

/** Validates and creates; answers the error itself and gives undefined when the body is refused. */
function create(
  context: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  record: RecordedRequest,
  body: unknown,
  key: string,
): Record<string, unknown> | undefined {
  const { reply } = context;
  if (typeof body === "string") {
    reply.fail(res, record, 400, {
      message:
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)",
      type: "invalid_request_error",
      param: null,
      code: null,
    });
    return undefined;
  }
  const problem = validateCreateBody(body === undefined ? {} : body);
  if (problem) {
    reply.fail(res, record, 400, problem);
    return undefined;
  }
  const request = body as Record<string, any>;
  const project = req.headers["openai-project"];
  if (!workflowVisible(context, request.workflow.id, typeof project === "string" ? project : undefined)) {
    reply.fail(res, record, 404, {
      message: `Workflow with id '${request.workflow.id}' not found.`,
      type: "invalid_request_error",
      param: "workflow.id",
      code: null,
    });
    return undefined;
  }
  return context.store.view(context.store.create(request, key));
}

/**
 * Cancel: an active session becomes cancelled and its client secret stops working at once; an
 * expired or already cancelled one is answered as it is. Another project's session is not found.
 */
function cancel(
  context: ApiContext,
  res: ServerResponse,
  record: RecordedRequest,
  key: string,
  rawId: string,
): Record<string, unknown> | undefined {
  const id = decodedId(rawId);
  const session = id === undefined ? undefined : context.store.ownedBy(id, key);
  if (!session) {
    context.reply.fail(res, record, 404, {
      message: `Chatkit Session with id '${id ?? rawId}' not found.`,
      type: "invalid_request_error",
      param: null,
      code: null,
    });
    return undefined;
  }
  context.store.cancel(session);
  return context.store.view(session);
}

/** The id from the path, or undefined when its %-escapes are malformed (no session has such an id). */
function decodedId(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/**
 * GET /v1/chatkit/threads, the way a ChatKit front end calls it: with the session's client
 * secret as bearer token (or an API key). Threads are not emulated, so the list is empty; what
 * matters is that a cancelled or expired secret is refused.
 */
function listThreads(context: ApiContext, req: IncomingMessage, res: ServerResponse, record: RecordedRequest) {
  const { reply, store } = context;
  const session = store.bySecret(bearerOf(req));
  if (session) {
    const status = store.statusOf(session);
    if (status !== "active") {
      return reply.fail(res, record, 401, {
        message: `This ChatKit session is ${status}; its client secret can no longer be used.`,
        type: "invalid_request_error",
        param: null,
        code: "invalid_client_secret",
      });
    }
  } else {
    const auth = authenticate(req, context.apiKeys);
    if ("error" in auth) return reply.fail(res, record, auth.status, auth.error);
  }
  reply.send(res, record, 200, { object: "list", data: [], first_id: null, last_id: null, has_more: false });
}
