import type { IncomingMessage } from "node:http";

/**
 * Reads a request body up to a size limit. Bytes are counted as they arrive and reading stops
 * at the limit, so an oversized body is never held in memory, whatever it claims or sends.
 */

export type BodyRead = { text: string; bytes: number } | { tooLarge: true };

export function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ tooLarge: true });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limit) {
        req.off("data", onData);
        req.pause();
        chunks.length = 0;
        resolve({ tooLarge: true });
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.on("end", () => {
      if (bytes <= limit) resolve({ text: Buffer.concat(chunks).toString("utf8"), bytes });
    });
    req.on("error", reject);
  });
}

/**
 * After answering a body that was too large: reads on and discards at most `limit` more bytes
 * (for at most `ms`), so that a client still sending has time to read the answer, then closes
 * the connection. Closing at once would reset it and lose the answer the client has not read.
 */
export function discardThenClose(req: IncomingMessage, limit = 8 * 1024 * 1024, ms = 2000): void {
  let discarded = 0;
  const close = () => req.socket.destroy();
  const timer = setTimeout(close, ms);
  timer.unref();
  req.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > limit) {
      clearTimeout(timer);
      close();
    }
  });
  req.on("end", () => clearTimeout(timer));
  req.resume();
}
