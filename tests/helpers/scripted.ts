import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * One answer of a scripted API: what a real server, gateway or broken network could do. The
 * emulator covers the API's behaviour; this covers the shapes of answers it cannot make (a 502
 * after the origin acted, a body that stalls or trickles, a reset in the middle of a body).
 */
export interface ScriptedAnswer {
  /** Whether the API acted (created or cancelled a session) before this answer. */
  acts?: boolean;
  status?: number;
  headers?: Record<string, string>;
  /** The body; by default a session (see sessionJson). */
  body?: string;
  /** Close the connection without answering. */
  reset?: "beforeAnswer" | "midBody";
  /** Never answer at all. */
  hang?: boolean;
  /** Send the headers and the first byte of the body, then nothing more. */
  stallBody?: boolean;
  /** Send the body one byte at a time, this many milliseconds apart. */
  trickleMs?: number;
  /** Wait this long before answering. */
  delayMs?: number;
}

export interface ScriptedRequest {
  method: string;
  path: string;
  body: string;
  authorization?: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface ScriptedServer {
  /** Base URL including /v1. */
  url: string;
  requests: ScriptedRequest[];
  /** How many requests the API acted on, per endpoint. */
  acted: { create: number; cancel: number };
  close(): Promise<void>;
}

let sequence = 0;

/** A ChatKit session answer as the API sends it. */
export function sessionJson(overrides: Record<string, unknown> = {}): string {
  sequence++;
  return JSON.stringify({
    id: `cksess_scripted${sequence}`,
    object: "chatkit.session",
    client_secret: `ek_scripted_secret_${sequence}_0123456789abcdef`,
    expires_at: Math.floor(Date.now() / 1000) + 600,
    status: "active",
    user: "u",
    workflow: { id: "wf_scripted", version: null, state_variables: null, tracing: { enabled: true } },
    chatkit_configuration: {
      automatic_thread_titling: { enabled: true },
      file_upload: { enabled: false, max_file_size: 512, max_files: 10 },
      history: { enabled: true, recent_threads: null },
    },
    rate_limits: { max_requests_per_1_minute: 10 },
    ...overrides,
  });
}

export const errorJson = (message: string, type = "invalid_request_error") =>
  JSON.stringify({ error: { message, type, param: null, code: null } });

/** Starts a server that answers each request with `answer(request, index)`. */
export async function startScripted(
  answer: (request: ScriptedRequest, index: number) => ScriptedAnswer,
): Promise<ScriptedServer> {
  const requests: ScriptedRequest[] = [];
  const acted = { create: 0, cancel: 0 };
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request: ScriptedRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        body: Buffer.concat(chunks).toString("utf8"),
        authorization: req.headers.authorization,
        headers: req.headers,
      };
      const index = requests.push(request) - 1;
      const script = answer(request, index);
      if (script.acts) acted[request.path.endsWith("/cancel") ? "cancel" : "create"]++;
      const respond = () => {
        if (script.hang) return;
        if (script.reset === "beforeAnswer") return req.socket.destroy();
        const body = script.body ?? sessionJson();
        res.writeHead(script.status ?? 200, {
          "content-type": "application/json",
          "x-request-id": `req_scripted_${index}`,
          ...(script.trickleMs === undefined && script.stallBody === undefined && !script.reset
            ? { "content-length": String(Buffer.byteLength(body)) }
            : {}),
          ...script.headers,
        });
        if (script.reset === "midBody") {
          res.write(body.slice(0, Math.ceil(body.length / 2)));
          return later(20, () => req.socket.destroy());
        }
        if (script.stallBody) return res.write(body.slice(0, 1));
        if (script.trickleMs !== undefined) {
          let at = 0;
          const next = () => {
            if (res.destroyed) return;
            if (at >= body.length) return res.end();
            res.write(body[at++]);
            later(script.trickleMs ?? 0, next);
          };
          return next();
        }
        res.end(body);
      };
      if (script.delayMs) later(script.delayMs, respond);
      else respond();
    });
  });
  server.keepAliveTimeout = 1000;
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    acted,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * For a suite: a scripted server started before each test, answering the test's `script` in order
 * (599 once it runs out), and the warnings the test collects.
 */
export function useScriptedServer() {
  const context = {
    server: undefined as unknown as ScriptedServer,
    script: [] as ScriptedAnswer[],
    warnings: [] as string[],
  };
  beforeEach(async () => {
    context.script = [];
    context.warnings = [];
    context.server = await startScripted(
      (_request, index) => context.script[index] ?? { status: 599, body: errorJson("unscripted") },
    );
  });
  afterEach(async () => {
    await context.server.close();
  });
  return context;
}
