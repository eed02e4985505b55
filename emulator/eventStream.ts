import type { ServerResponse } from "node:http";
import type { Changes } from "./changes";

/**
 * The live page's stream of snapshots (server-sent events), shared by every open page. What it
 * costs does not grow with how many pages are open or how slowly they read:
 *
 * - one snapshot is built and serialized per change, and the same text is written to every page;
 * - latest wins: a page whose connection has not taken what was written to it gets nothing more
 *   queued, only a note that it is behind, and the newest snapshot once its connection drains (a
 *   page that never reads holds one snapshot, not one per change);
 * - at most `maxStreams` are open; the next is refused (the caller answers 503).
 */

/** Streams open at once, at most: each can hold one snapshot while its reader is stalled. */
export const MAX_STREAMS = 512;

/**
 * How long a serialized snapshot is reused: streams opened or drained in the same moment share
 * it, and one built earlier is not sent, since its `now` is what the page counts down from.
 */
const REUSE_MS = 100;

/** Streams written to per turn of the event loop. */
const BATCH = 32;

/** A comment line now and then, so that proxies and browsers keep an idle stream open. */
const HEARTBEAT_MS = 15_000;

interface Client {
  res: ServerResponse;
  /** Its connection has not taken the last write: nothing more is queued until 'drain'. */
  waiting: boolean;
  /** A change happened while it was waiting: it gets the newest snapshot on 'drain'. */
  behind: boolean;
}

export class EventStreams {
  private readonly clients = new Set<Client>();
  private frame: { bytes: Buffer; at: number } | undefined;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly build: () => unknown,
    changes: Changes,
    readonly maxStreams = MAX_STREAMS,
  ) {
    changes.subscribe(() => this.changed());
    this.heartbeat = setInterval(() => {
      for (const client of this.clients) if (!client.waiting) this.write(client, ": still here\n\n");
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Streams open now. */
  get count(): number {
    return this.clients.size;
  }

  /** Bytes written to open streams that their connections have not taken yet. */
  bufferedBytes(): number {
    let total = 0;
    for (const client of this.clients) total += client.res.writableLength;
    return total;
  }

  /** Starts a stream on this answer, with a snapshot at once; false, writing nothing, when too many are open. */
  open(res: ServerResponse): boolean {
    if (this.clients.size >= this.maxStreams) return false;
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
      "x-content-type-options": "nosniff",
    });
    const client: Client = { res, waiting: false, behind: false };
    this.clients.add(client);
    res.on("close", () => this.clients.delete(client));
    this.write(client, "retry: 1000\n\n");
    this.send(client);
    return true;
  }

  close(): void {
    clearInterval(this.heartbeat);
    this.clients.clear();
  }

  /**
   * Sends the newest snapshot to every stream, a batch per turn of the event loop: writing it to
   * hundreds of streams at once would hold up the API's answers for as long.
   */
  private changed(): void {
    this.frame = undefined;
    const pending = [...this.clients];
    const next = () => {
      for (const client of pending.splice(0, BATCH)) if (this.clients.has(client)) this.send(client);
      if (pending.length) setImmediate(next);
    };
    next();
  }

  /** The newest snapshot as an event, serialized and encoded once for every stream it goes to. */
  private current(): Buffer {
    const now = Date.now();
    if (!this.frame || now - this.frame.at >= REUSE_MS) {
      this.frame = { bytes: Buffer.from(`event: state\ndata: ${JSON.stringify(this.build())}\n\n`), at: now };
    }
    return this.frame.bytes;
  }

  private send(client: Client): void {
    if (client.waiting) client.behind = true;
    else this.write(client, this.current());
  }

  private write(client: Client, data: string | Buffer): void {
    if (client.res.write(data)) return;
    client.waiting = true;
    client.res.once("drain", () => {
      client.waiting = false;
      if (!client.behind) return;
      client.behind = false;
      this.send(client);
    });
  }
}
