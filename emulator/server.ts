import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { fromOwnAddress, hostsFor } from "./address";
import { API_ROUTES, type ApiContext } from "./apiRoutes";
import { assumed } from "./assumptions";
import { discardThenClose, readBody } from "./body";
import { Changes } from "./changes";
import { Clock } from "./clock";
import { CONTROL_ROUTES } from "./controlRoutes";
import { bodyTooLarge, emulatorFailure, invalidUrl, misdirected, unknownControl } from "./errors";
import { EventStreams } from "./eventStream";
import { type Fault, FaultInjector, type RandomFaults } from "./faults";
import { PAGE_ROUTES, type PageContext, snapshot } from "./pageRoutes";
import { RateLimiter } from "./rateLimit";
import { loggedBody, parseBody, type RecordedRequest, RequestLog } from "./requestLog";
import { Responder } from "./respond";
import { Router } from "./routes";
import type { SessionSnapshot, SessionStatus } from "./session";
import { type Counters, type SessionSeed, SessionStore, token } from "./store";

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

export { ASSUMPTION_HEADER, ASSUMPTIONS } from "./assumptions";
export type { Fault, FaultKind, RandomFaults } from "./faults";

/** Every route the emulator serves: the API's and its own. FIDELITY.md has a row for each. */
export const ROUTES = [...API_ROUTES, ...CONTROL_ROUTES, ...PAGE_ROUTES].map(({ method, path }) => ({ method, path }));
export type { RecordedRequest } from "./requestLog";
export type { SessionSnapshot, SessionStatus } from "./session";
export type { SessionSeed } from "./store";

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
  /** Largest request body read; a larger one is answered 413 without being read (default 16 MiB). */
  maxBodyBytes?: number;
  /**
   * Bytes of sessions kept at most (their stored answers as JSON; default 64 MiB). A create that
   * would exceed it, once ended sessions are forgotten, is answered 429 `session_store_full`.
   */
  maxStoredBytes?: number;
  /** How many of the latest requests `requests` keeps (default 1000). */
  requestLogLimit?: number;
  /** How long a cancelled or expired session is kept before it is forgotten, in seconds (default 600). */
  retainEndedSeconds?: number;
  /** Live pages streamed to at once, at most (default 512); the next gets 503 `too_many_streams`. */
  maxStreams?: number;
  /** Lets the live page cancel and expire sessions (off by default; `--teach` on the command line). */
  teachingControls?: boolean;
  /**
   * More names the page and `/_emulator/` endpoints answer to, for serving them on a LAN
   * (`--allow-host`); by default only loopback names and the machine's own name and addresses.
   */
  allowHosts?: string[];
}

export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface Emulator {
  /** Base URL including /v1, ready for OPENAI_BASE_URL. */
  readonly url: string;
  /** The live page: sessions and requests as they happen. */
  readonly pageUrl: string;
  readonly port: number;
  /** The latest requests to the API's routes, oldest first (at most requestLogLimit). */
  readonly requests: RecordedRequest[];
  readonly stats: Counters;
  /** Moves the emulator's clock (expiry and rate limits) by this many seconds. */
  advanceClock(seconds: number): void;
  nowSeconds(): number;
  inject(fault: Fault): void;
  /** Forgets queued and random faults. */
  clearFaults(): void;
  setRandomFaults(random: RandomFaults | undefined): void;
  /** The session with this id as it is now, until forgotten retainEndedSeconds after it ended. */
  session(id: string): SessionSnapshot | undefined;
  /** The sessions kept (with this status only, when given), in the order they were made or put back. */
  listSessions(status?: SessionStatus): SessionSnapshot[];
  /** Puts back a session recorded elsewhere (a state fixture) under its id, as the key given made it. */
  restoreSession(seed: SessionSeed): SessionSnapshot;
  close(): Promise<void>;
}

/** The path of a request target, undecoded: the query is not part of a route. */
function pathOf(target: string | undefined): string {
  const path = (target ?? "/").split("?")[0] as string;
  return path.startsWith("/") ? path : `/${path}`;
}

function recordOf(req: IncomingMessage, now: number, bytes: number, body: unknown): RecordedRequest {
  const { authorization: _never, ...headers } = req.headers;
  return {
    requestId: `req_${token(12)}`,
    at: now,
    method: req.method ?? "GET",
    path: pathOf(req.url),
    headers,
    body: loggedBody(bytes, body),
  };
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const clock = new Clock();
  const faults = new FaultInjector();
  const counters: Counters = { created: 0, cancelled: 0, faults: faults.served, rateLimited: 0 };
  const store = new SessionStore(clock, counters, options.maxStoredBytes);
  const log = new RequestLog(options.requestLogLimit ?? 1000);
  const changes = new Changes();
  const reply = new Responder(options.log, () => changes.notify());
  const limiter = new RateLimiter(clock, options.rateLimitPerMinute);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const api: ApiContext = {
    store,
    faults,
    limiter,
    counters,
    reply,
    apiKeys: options.apiKeys,
    workflows: options.workflows,
  };

  const page: PageContext = {
    store,
    log,
    clock,
    changes,
    streams: new EventStreams(() => snapshot(page), changes, options.maxStreams),
    reply,
    teaching: options.teachingControls === true,
  };
  const router = new Router().add(API_ROUTES, api).add(CONTROL_ROUTES, { store, faults, reply }).add(PAGE_ROUTES, page);
  let ownHosts: string[] = [];
  let port = 0;

  let prunedAt = 0;
  const prune = () => {
    prunedAt = Date.now();
    store.prune(options.retainEndedSeconds ?? 600);
    limiter.prune();
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    if (Date.now() - prunedAt >= 1000) prune();
    const read = await readBody(req, maxBodyBytes);
    if ("tooLarge" in read) {
      const record = recordOf(req, clock.nowMs(), 0, undefined);
      record.body = "[a body above the size limit, not read]";
      log.add(record);
      discardThenClose(req);
      return reply.fail(res, record, bodyTooLarge(maxBodyBytes), assumed("body-size-limit"));
    }
    const body = parseBody(read.text);
    const record = recordOf(req, clock.nowMs(), read.bytes, body);
    const own = record.path === "/" || record.path.startsWith("/_emulator/");
    if (own && !fromOwnAddress(req, ownHosts)) {
      return reply.fail(res, record, misdirected(port));
    }
    // The API's requests are logged for tests and the page; the page's and the controls' are not.
    if (!own) log.add(record);
    const matched = router.match(record.method, record.path);
    if (matched) return matched.handle({ req, res, record, body, params: matched.params });
    reply.fail(res, record, own ? unknownControl(record.path) : invalidUrl(record.method, record.path));
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        const failure = emulatorFailure(error);
        res.writeHead(failure.status, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: failure.error }));
      }
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
  port = (server.address() as AddressInfo).port;
  const host = options.host ?? "127.0.0.1";
  ownHosts = hostsFor(host, port, options.allowHosts);
  const root = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  return {
    url: `${root}/v1`,
    pageUrl: `${root}/`,
    port,
    requests: log.entries,
    stats: counters,
    advanceClock: (seconds) => {
      clock.advance(seconds);
      prune();
      changes.notify();
    },
    nowSeconds: () => clock.nowSeconds(),
    inject: (fault) => faults.inject(fault),
    clearFaults: () => faults.clear(),
    setRandomFaults: (random) => faults.setRandom(random),
    session: (id) => {
      const session = store.get(id);
      return session && store.snapshot(session);
    },
    listSessions: (status) =>
      store
        .all()
        .map((session) => store.snapshot(session))
        .filter((session) => status === undefined || session.status === status),
    restoreSession: (seed) => {
      const session = store.snapshot(store.restore(seed));
      changes.notify();
      return session;
    },
    close: () =>
      new Promise<void>((resolve) => {
        changes.stop();
        page.streams.close();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
