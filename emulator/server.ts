import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { type ApiErrorBody, validateCreateBody } from "./validate";

/**
 * A local stand-in for the ChatKit sessions API (POST /v1/chatkit/sessions and
 * POST /v1/chatkit/sessions/{id}/cancel): the same validation, defaults, error envelope and
 * headers as the documented API, expiry by its own clock, per-key rate limits, and fault
 * injection for tests. It keeps no API key and no client secret in anything it records.
 */

export type FaultKind =
  /** Answer with this status (and Retry-After where given) before acting. */
  | "status"
  /** Wait delayMs, then handle the request normally. */
  | "latency"
  /** Close the connection before acting. */
  | "drop"
  /** Act (create the session), then close the connection without answering. */
  | "dropAfterActing"
  /** Never answer. */
  | "hang"
  /** Act, then answer 200 with a body that is not JSON. */
  | "notJsonAfterActing"
  /** Act, then answer 200 with only the session's id: JSON, but not a session. */
  | "partialAfterActing";

export interface Fault {
  kind: FaultKind;
  /** Which endpoint: default both. */
  on?: "create" | "cancel";
  status?: number;
  retryAfterSeconds?: number;
  retryAfterMs?: number;
  delayMs?: number;
  /** How many requests it applies to (default 1). */
  times?: number;
}

export interface RandomFaults {
  /** Share of matching requests that get a fault, 0 to 1. */
  rate: number;
  faults: Fault[];
  on?: "create" | "cancel";
}

export interface RecordedRequest {
  requestId: string;
  method: string;
  path: string;
  /** Every header but Authorization. */
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  status?: number;
  fault?: FaultKind;
}

export interface StoredSession {
  id: string;
  user: string;
  workflowId: string;
  expiresAt: number;
  cancelled: boolean;
  /** sha256 of the key that created it: sessions are only visible to the key (project) that made them. */
  ownerDigest: string;
  response: Record<string, unknown>;
}

export interface EmulatorOptions {
  port?: number;
  host?: string;
  /** Keys accepted; by default any key starting with "sk-". */
  apiKeys?: string[];
  /** Workflows that exist, each optionally bound to a project; by default any id starting with "wf_". */
  workflows?: Record<string, { project?: string }>;
  /** Requests per key per minute; unlimited when unset. */
  rateLimitPerMinute?: number;
  /** Where each handled request is reported (method, path, status, request id: never bodies or keys). */
  log?: (line: string) => void;
}

export interface Emulator {
  /** Base URL including /v1, ready for OPENAI_BASE_URL. */
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  readonly sessions: Map<string, StoredSession>;
  readonly stats: { created: number; cancelled: number; faults: Record<string, number>; rateLimited: number };
  /** Moves the emulator's clock (expiry and rate limits) by this many seconds. */
  advanceClock(seconds: number): void;
  nowSeconds(): number;
  inject(fault: Fault): void;
  /** Forgets queued and random faults. */
  clearFaults(): void;
  setRandomFaults(random: RandomFaults | undefined): void;
  /** Sessions not cancelled and not expired. */
  activeSessions(): StoredSession[];
  statusOf(session: StoredSession): "active" | "expired" | "cancelled";
  close(): Promise<void>;
}

const digest = (text: string) => createHash("sha256").update(text).digest("hex");
const token = (bytes: number) => randomBytes(bytes).toString("hex");

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  let clockOffsetMs = 0;
  const nowMs = () => Date.now() + clockOffsetMs;
  const requests: RecordedRequest[] = [];
  const sessions = new Map<string, StoredSession>();
  const stats = { created: 0, cancelled: 0, faults: {} as Record<string, number>, rateLimited: 0 };
  const queued: Fault[] = [];
  let random: RandomFaults | undefined;
  const windows = new Map<string, number[]>();
  const sockets = new Set<Socket>();

  const statusOf = (session: StoredSession) =>
    session.cancelled ? "cancelled" : session.expiresAt <= nowMs() / 1000 ? "expired" : "active";

  function takeFault(endpoint: "create" | "cancel"): Fault | undefined {
    const index = queued.findIndex((fault) => !fault.on || fault.on === endpoint);
    if (index >= 0) {
      const fault = queued[index] as Fault;
      const left = (fault.times ?? 1) - 1;
      if (left <= 0) queued.splice(index, 1);
      else queued[index] = { ...fault, times: left };
      return fault;
    }
    if (random && (!random.on || random.on === endpoint) && Math.random() < random.rate) {
      return random.faults[Math.floor(Math.random() * random.faults.length)];
    }
    return undefined;
  }

  function send(
    res: ServerResponse,
    record: RecordedRequest,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) {
    record.status = status;
    res.writeHead(status, { "content-type": "application/json", "x-request-id": record.requestId, ...headers });
    res.end(JSON.stringify(body));
    options.log?.(`${record.method} ${record.path} ${status} ${record.requestId}`);
  }

  const fail = (
    res: ServerResponse,
    record: RecordedRequest,
    status: number,
    error: ApiErrorBody,
    headers?: Record<string, string>,
  ) => send(res, record, status, { error }, headers);

  function authenticate(req: IncomingMessage): { key: string } | { error: ApiErrorBody; status: number } {
    const header = req.headers.authorization ?? "";
    const key = header.startsWith("Bearer ") ? header.slice(7).trim() : "";
    if (!key) {
      return {
        status: 401,
        error: {
          message:
            "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
          type: "invalid_request_error",
          param: null,
          code: null,
        },
      };
    }
    const accepted = options.apiKeys ? options.apiKeys.includes(key) : key.startsWith("sk-");
    if (!accepted) {
      const masked = key.length > 8 ? `${key.slice(0, 3)}********${key.slice(-4)}` : "********";
      return {
        status: 401,
        error: {
          message: `Incorrect API key provided: ${masked}.`,
          type: "invalid_request_error",
          param: null,
          code: "invalid_api_key",
        },
      };
    }
    return { key };
  }

  /** Sliding one-minute window per key; answers with the wait until a slot frees up. */
  function rateLimited(key: string): number | undefined {
    const limit = options.rateLimitPerMinute;
    if (!limit) return undefined;
    const now = nowMs();
    const id = digest(key);
    const window = (windows.get(id) ?? []).filter((at) => at > now - 60_000);
    windows.set(id, window);
    if (window.length >= limit) return (window[0] as number) + 60_000 - now;
    window.push(now);
    return undefined;
  }

  function workflowVisible(id: string, project: string | undefined): boolean {
    if (!options.workflows) return id.startsWith("wf_");
    const workflow = options.workflows[id];
    return workflow !== undefined && (workflow.project === undefined || workflow.project === project);
  }

  function createSession(body: Record<string, any>, key: string): StoredSession {
    const now = Math.floor(nowMs() / 1000);
    const seconds = body.expires_after?.seconds ?? 600;
    const configuration = body.chatkit_configuration ?? {};
    const limit = body.rate_limits?.max_requests_per_1_minute ?? 10;
    const id = `cksess_${token(16)}`;
    const response = {
      id,
      object: "chatkit.session",
      client_secret: `ek_${token(24)}`,
      expires_at: now + seconds,
      status: "active",
      user: body.user,
      workflow: {
        id: body.workflow.id,
        version: body.workflow.version ?? null,
        state_variables: body.workflow.state_variables ?? null,
        tracing: { enabled: body.workflow.tracing?.enabled ?? true },
      },
      chatkit_configuration: {
        automatic_thread_titling: { enabled: configuration.automatic_thread_titling?.enabled ?? true },
        file_upload: {
          enabled: configuration.file_upload?.enabled ?? false,
          max_file_size: configuration.file_upload?.max_file_size ?? 512,
          max_files: configuration.file_upload?.max_files ?? 10,
        },
        history: {
          enabled: configuration.history?.enabled ?? true,
          recent_threads: configuration.history?.recent_threads ?? null,
        },
      },
      rate_limits: { max_requests_per_1_minute: limit },
      max_requests_per_1_minute: limit,
    };
    const session: StoredSession = {
      id,
      user: body.user,
      workflowId: body.workflow.id,
      expiresAt: now + seconds,
      cancelled: false,
      ownerDigest: digest(key),
      response,
    };
    sessions.set(id, session);
    stats.created++;
    return session;
  }

  /** The session as the API shows it now: the client secret only while it can still be used. */
  function view(session: StoredSession): Record<string, unknown> {
    const status = statusOf(session);
    return { ...session.response, status, client_secret: status === "active" ? session.response.client_secret : "" };
  }

  async function handle(req: IncomingMessage, res: ServerResponse, text: string) {
    const url = new URL(req.url ?? "/", "http://emulator");
    const { authorization: _never, ...headers } = req.headers;
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    const record: RecordedRequest = {
      requestId: `req_${token(12)}`,
      method: req.method ?? "GET",
      path: url.pathname,
      headers,
      body,
    };
    if (url.pathname.startsWith("/_emulator/")) return control(req, res, record, url.pathname);
    requests.push(record);

    if (url.pathname === "/v1/chatkit/threads" && req.method === "GET") return listThreads(req, res, record);
    const cancelMatch = /^\/v1\/chatkit\/sessions\/([^/]+)\/cancel$/.exec(url.pathname);
    const endpoint = url.pathname === "/v1/chatkit/sessions" ? "create" : cancelMatch ? "cancel" : undefined;
    if (!endpoint || req.method !== "POST") {
      return fail(res, record, 404, {
        message: `Invalid URL (${req.method} ${url.pathname})`,
        type: "invalid_request_error",
        param: null,
        code: null,
      });
    }

    const fault = takeFault(endpoint);
    if (fault) {
      record.fault = fault.kind;
      stats.faults[fault.kind] = (stats.faults[fault.kind] ?? 0) + 1;
      if (fault.kind === "latency") await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 1000));
      if (fault.kind === "hang") return;
      if (fault.kind === "drop") return req.socket.destroy();
      if (fault.kind === "status") {
        const status = fault.status ?? 500;
        const retryHeaders: Record<string, string> = {};
        if (fault.retryAfterSeconds !== undefined) retryHeaders["retry-after"] = String(fault.retryAfterSeconds);
        if (fault.retryAfterMs !== undefined) retryHeaders["retry-after-ms"] = String(fault.retryAfterMs);
        const type = status === 429 ? "requests" : status >= 500 ? "server_error" : "invalid_request_error";
        return fail(
          res,
          record,
          status,
          { message: `Injected fault: HTTP ${status}.`, type, param: null, code: null },
          retryHeaders,
        );
      }
    }

    const auth = authenticate(req);
    if ("error" in auth) return fail(res, record, auth.status, auth.error);
    const beta = String(req.headers["openai-beta"] ?? "");
    if (
      !beta
        .split(",")
        .map((part) => part.trim())
        .includes("chatkit_beta=v1")
    ) {
      return fail(res, record, 400, {
        message: "You must provide the 'OpenAI-Beta' header with the value 'chatkit_beta=v1' to use the ChatKit API.",
        type: "invalid_request_error",
        param: null,
        code: "missing_beta_header",
      });
    }
    const wait = rateLimited(auth.key);
    if (wait !== undefined) {
      stats.rateLimited++;
      return fail(
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

    let answer: Record<string, unknown>;
    if (endpoint === "create") {
      if (typeof body === "string") {
        return fail(res, record, 400, {
          message:
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)",
          type: "invalid_request_error",
          param: null,
          code: null,
        });
      }
      const problem = validateCreateBody(body ?? {});
      if (problem) return fail(res, record, 400, problem);
      const request = body as Record<string, any>;
      const project = req.headers["openai-project"];
      if (!workflowVisible(request.workflow.id, typeof project === "string" ? project : undefined)) {
        return fail(res, record, 404, {
          message: `Workflow with id '${request.workflow.id}' not found.`,
          type: "invalid_request_error",
          param: "workflow.id",
          code: null,
        });
      }
      answer = view(createSession(request, auth.key));
    } else {
      const id = decodeURIComponent(cancelMatch?.[1] ?? "");
      const session = sessions.get(id);
      if (!session || session.ownerDigest !== digest(auth.key)) {
        return fail(res, record, 404, {
          message: `Chatkit Session with id '${id}' not found.`,
          type: "invalid_request_error",
          param: null,
          code: null,
        });
      }
      if (statusOf(session) === "active") {
        session.cancelled = true;
        stats.cancelled++;
      }
      answer = view(session);
    }

    if (fault?.kind === "dropAfterActing") return req.socket.destroy();
    if (fault?.kind === "partialAfterActing") return send(res, record, 200, { id: answer.id, object: answer.object });
    if (fault?.kind === "notJsonAfterActing") {
      record.status = 200;
      res.writeHead(200, { "content-type": "application/json", "x-request-id": record.requestId });
      return res.end("<html>502 Bad Gateway</html>");
    }
    send(res, record, 200, answer);
  }

  /**
   * GET /v1/chatkit/threads, the way a ChatKit front end calls it: with the session's client
   * secret as bearer token (or an API key). Threads are not emulated, so the list is empty; what
   * matters is that a cancelled or expired secret is refused.
   */
  function listThreads(req: IncomingMessage, res: ServerResponse, record: RecordedRequest) {
    const header = req.headers.authorization ?? "";
    const bearer = header.startsWith("Bearer ") ? header.slice(7).trim() : "";
    const session = [...sessions.values()].find((candidate) => candidate.response.client_secret === bearer);
    if (session) {
      if (statusOf(session) !== "active") {
        return fail(res, record, 401, {
          message: `This ChatKit session is ${statusOf(session)}; its client secret can no longer be used.`,
          type: "invalid_request_error",
          param: null,
          code: "invalid_client_secret",
        });
      }
    } else {
      const auth = authenticate(req);
      if ("error" in auth) return fail(res, record, auth.status, auth.error);
    }
    send(res, record, 200, { object: "list", data: [], first_id: null, last_id: null, has_more: false });
  }

  /** Test and tooling hooks over HTTP, for an emulator started from the command line. */
  function control(req: IncomingMessage, res: ServerResponse, record: RecordedRequest, path: string) {
    if (path === "/_emulator/sessions" && req.method === "GET") {
      const list = [...sessions.values()].map((session) => ({
        id: session.id,
        user: session.user,
        workflowId: session.workflowId,
        expiresAt: session.expiresAt,
        status: statusOf(session),
      }));
      return send(res, record, 200, { data: list });
    }
    if (path === "/_emulator/faults" && req.method === "POST") {
      emulator.inject(record.body as Fault);
      return send(res, record, 200, { queued: queued.length });
    }
    return fail(res, record, 404, {
      message: `Unknown emulator control ${path}`,
      type: "invalid_request_error",
      param: null,
      code: null,
    });
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      handle(req, res, Buffer.concat(chunks).toString("utf8")).catch((error: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { "content-type": "application/json" });
          res.end(
            JSON.stringify({
              error: { message: `Emulator failure: ${String(error)}`, type: "server_error", param: null, code: null },
            }),
          );
        }
      });
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const emulator: Emulator = {
    url: `http://${options.host ?? "127.0.0.1"}:${port}/v1`,
    port,
    requests,
    sessions,
    stats,
    advanceClock: (seconds) => {
      clockOffsetMs += seconds * 1000;
    },
    nowSeconds: () => nowMs() / 1000,
    inject: (fault) => queued.push(fault),
    clearFaults: () => {
      queued.length = 0;
      random = undefined;
    },
    setRandomFaults: (next) => {
      random = next;
    },
    activeSessions: () => [...sessions.values()].filter((session) => statusOf(session) === "active"),
    statusOf,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  return emulator;
}
