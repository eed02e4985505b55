import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { type ApiContext, handleApi } from "./apiRoutes";
import { Clock } from "./clock";
import { handleControl } from "./controlRoutes";
import { type Fault, FaultInjector, type RandomFaults } from "./faults";
import { RateLimiter } from "./rateLimit";
import type { RecordedRequest } from "./requestLog";
import { Responder } from "./respond";
import { type Counters, type SessionStatus, SessionStore, type StoredSession, token } from "./store";

/**
 * A local stand-in for the ChatKit sessions API (POST /v1/chatkit/sessions and
 * POST /v1/chatkit/sessions/{id}/cancel): the same validation, defaults, error envelope and
 * headers as the documented API, expiry by its own clock, per-key rate limits, and fault
 * injection for tests. It keeps no API key and no client secret in anything it records.
 *
 * This file only wires the parts together: the store and its clock (store.ts, clock.ts), auth
 * (auth.ts), rate limits (rateLimit.ts), faults (faults.ts), the request log (requestLog.ts), the
 * API's routes (apiRoutes.ts) and the control routes (controlRoutes.ts).
 */

export type { Fault, FaultKind, RandomFaults } from "./faults";
export type { RecordedRequest } from "./requestLog";
export type { StoredSession } from "./store";

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
  readonly stats: Counters;
  /** Moves the emulator's clock (expiry and rate limits) by this many seconds. */
  advanceClock(seconds: number): void;
  nowSeconds(): number;
  inject(fault: Fault): void;
  /** Forgets queued and random faults. */
  clearFaults(): void;
  setRandomFaults(random: RandomFaults | undefined): void;
  /** Sessions not cancelled and not expired. */
  activeSessions(): StoredSession[];
  statusOf(session: StoredSession): SessionStatus;
  close(): Promise<void>;
}

/** The request as recorded: its path, and its body parsed as JSON when it is JSON (else the text). */
function recordOf(req: IncomingMessage, text: string): RecordedRequest {
  const url = new URL(req.url ?? "/", "http://emulator");
  const { authorization: _never, ...headers } = req.headers;
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { requestId: `req_${token(12)}`, method: req.method ?? "GET", path: url.pathname, headers, body };
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const clock = new Clock();
  const faults = new FaultInjector();
  const counters: Counters = { created: 0, cancelled: 0, faults: faults.served, rateLimited: 0 };
  const store = new SessionStore(clock, counters);
  const requests: RecordedRequest[] = [];
  const reply = new Responder(options.log);
  const api: ApiContext = {
    store,
    faults,
    limiter: new RateLimiter(clock, options.rateLimitPerMinute),
    counters,
    reply,
    apiKeys: options.apiKeys,
    workflows: options.workflows,
  };

  async function handle(req: IncomingMessage, res: ServerResponse, text: string) {
    const record = recordOf(req, text);
    if (record.path.startsWith("/_emulator/")) return handleControl({ store, faults, reply }, req, res, record);
    requests.push(record);
    await handleApi(api, req, res, record);
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
  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://${options.host ?? "127.0.0.1"}:${port}/v1`,
    port,
    requests,
    sessions: store.sessions,
    stats: counters,
    advanceClock: (seconds) => clock.advance(seconds),
    nowSeconds: () => clock.nowSeconds(),
    inject: (fault) => faults.inject(fault),
    clearFaults: () => faults.clear(),
    setRandomFaults: (random) => faults.setRandom(random),
    activeSessions: () => store.active(),
    statusOf: (session) => store.statusOf(session),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
