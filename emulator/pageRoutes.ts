import * as fs from "node:fs";
import * as path from "node:path";
import type { Changes } from "./changes";
import type { Clock } from "./clock";
import { sessionNotFound, teachingOff, tooManyStreams } from "./errors";
import type { EventStreams } from "./eventStream";
import { PAGE_HTML } from "./pageHtml";
import type { RecordedRequest, RequestLog } from "./requestLog";
import type { Responder } from "./respond";
import { decodedParam, type Exchange, type Route } from "./routes";
import type { Session } from "./session";
import type { SessionStore } from "./store";

/**
 * The live page at the emulator's root and what it calls: a snapshot of sessions and requests,
 * a stream of snapshots (server-sent events), and, only when the emulator was started with
 * teaching controls, cancel and expire-now for a session. Nothing here ever carries a client
 * secret, an API key, a header or a body: the snapshot is built field by field.
 */

export interface PageContext {
  store: SessionStore;
  log: RequestLog;
  clock: Clock;
  changes: Changes;
  /** The open event streams, fed with snapshots of this context. */
  streams: EventStreams;
  reply: Responder;
  /** Cancel, expire now and fault buttons: off unless asked for (`--teach`). */
  teaching: boolean;
}

/** How many of the latest requests the page shows. */
const PAGE_REQUESTS = 100;
/** How many of the newest sessions the page shows; it says how many there are in all. */
export const PAGE_SESSIONS = 100;
/** Characters of a client's text (user, workflow, path, error) the page shows: one snapshot stays small. */
export const PAGE_TEXT = 200;

function clip(text: string): string;
function clip(text: string | null): string | null;
function clip(text: string | null): string | null {
  return text !== null && text.length > PAGE_TEXT ? `${text.slice(0, PAGE_TEXT)}…` : text;
}

/** What the page shows of a session: fields read one by one, never the client secret. */
function sessionView(store: SessionStore, session: Session) {
  const { fileUpload, history } = session.chatkitConfiguration;
  return {
    id: session.id,
    user: clip(session.user),
    workflowId: clip(session.workflow.id),
    workflowVersion: clip(session.workflow.version),
    status: store.statusOf(session),
    createdAt: session.createdAt,
    lifetimeSeconds: session.lifetimeSeconds,
    expiresAt: session.expiresAt,
    cancelledAt: session.cancelledAt,
    rateLimitPerMinute: session.rateLimits.maxRequestsPer1Minute,
    fileUpload: { enabled: fileUpload.enabled, maxFiles: fileUpload.maxFiles, maxFileSizeMb: fileUpload.maxFileSize },
    history: { enabled: history.enabled, recentThreads: history.recentThreads },
  };
}

function requestView(record: RecordedRequest) {
  return {
    at: record.at,
    method: record.method,
    path: clip(record.path),
    status: record.status ?? null,
    dropped: record.dropped === true,
    requestId: record.requestId,
    error: record.error ? { type: clip(record.error.type), message: clip(record.error.message) } : null,
    fault: record.fault ?? null,
    assumptions: record.assumptions ?? [],
  };
}

/**
 * What the page shows, newest first, with the emulator's clock so the page can count down: the
 * newest sessions and requests only, with long texts cut, so that a snapshot stays small however
 * many sessions there are and whatever clients sent.
 */
export function snapshot(context: PageContext) {
  const all = context.store.all();
  const sessions = all
    .reverse()
    .sort((a, b) => b.createdAt - a.createdAt)
    .slice(0, PAGE_SESSIONS)
    .map((session) => sessionView(context.store, session));
  return {
    now: context.clock.nowSeconds(),
    teaching: context.teaching,
    sessionCount: all.length,
    sessions,
    requests: context.log.latest(PAGE_REQUESTS).map(requestView),
  };
}

/**
 * The emulator's own documents, which the page links to: they are shipped beside the build
 * (emulator/ in the package and in the repository), read when asked for, and sent as plain text.
 */
function serveDocument(name: "README.md" | "FIDELITY.md") {
  return (_context: PageContext, { res }: Exchange) => {
    let text: string;
    try {
      text = fs.readFileSync(path.join(__dirname, "..", "..", "emulator", name), "utf8");
    } catch {
      text = `${name} is not installed beside this emulator; it is in the emulator/ folder of the pulumi-chatkit package.\n`;
    }
    res.writeHead(200, {
      "content-type": "text/plain; charset=utf-8",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    });
    res.end(text);
  };
}

/** The page's routes: the page, its documents, its state as JSON and as a stream, and its teaching controls. */
export const PAGE_ROUTES = [
  {
    method: "GET",
    path: "/",
    handle: (_context, { res }) => {
      res.writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
        "content-security-policy":
          "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        "x-content-type-options": "nosniff",
      });
      res.end(PAGE_HTML);
    },
  },
  { method: "GET", path: "/_emulator/docs/README.md", handle: serveDocument("README.md") },
  { method: "GET", path: "/_emulator/docs/FIDELITY.md", handle: serveDocument("FIDELITY.md") },
  {
    method: "GET",
    path: "/_emulator/state",
    handle: (context, { res, record }) =>
      context.reply.send(res, record, 200, snapshot(context), { "cache-control": "no-store" }),
  },
  {
    method: "GET",
    path: "/_emulator/events",
    handle: (context, { res, record }) => {
      if (context.streams.open(res)) return;
      context.reply.fail(res, record, tooManyStreams(context.streams.maxStreams), { "retry-after": "5" });
    },
  },
  {
    method: "POST",
    path: "/_emulator/sessions/{session_id}/cancel",
    handle: (context, exchange) => teach(context, exchange, (session) => context.store.cancel(session)),
  },
  {
    method: "POST",
    path: "/_emulator/sessions/{session_id}/expire",
    handle: (context, exchange) => teach(context, exchange, (session) => context.store.expireNow(session)),
  },
] as const satisfies readonly Route<PageContext>[];

/** A teaching control: applies `act` to the session in the path, when teaching controls are on. */
function teach(context: PageContext, { res, record, params }: Exchange, act: (session: Session) => Session) {
  const { reply, store } = context;
  if (!context.teaching) return reply.fail(res, record, teachingOff());
  const rawId = params[0] ?? "";
  const id = decodedParam(rawId);
  const found = id === undefined ? undefined : store.get(id);
  if (!found) return reply.fail(res, record, sessionNotFound(id ?? rawId));
  const session = act(found);
  context.changes.notify();
  reply.send(res, record, 200, { id: session.id, status: store.statusOf(session) });
}
