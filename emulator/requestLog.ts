import type { FaultKind } from "./faults";

/** One handled request, as tests and the page see it: never the Authorization header. */
export interface RecordedRequest {
  requestId: string;
  /** When it arrived, in ms on the emulator's clock. */
  at: number;
  method: string;
  path: string;
  /** Every header but Authorization. */
  headers: Record<string, string | string[] | undefined>;
  /** The body parsed as JSON (else its text); a body longer than the log keeps is replaced by a note of its size. */
  body: unknown;
  status?: number;
  fault?: FaultKind;
  /** For an answer in the error envelope: its type and message. */
  error?: { type: string; message: string };
  /** The assumptions (ids) that shaped the answer, from its x-emulator-assumption header. */
  assumptions?: string[];
  /** True once the connection was closed without an answer. */
  dropped?: boolean;
}

/** Bodies longer than this are not kept: the log is for reading requests, not for holding uploads. */
export const KEPT_BODY_BYTES = 64 * 1024;

/** The body parsed as JSON when it is JSON, else its text; undefined when empty. */
export function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The body as the log keeps it. */
export function loggedBody(bytes: number, parsed: unknown): unknown {
  return bytes > KEPT_BODY_BYTES ? `[a body of ${bytes} bytes, not kept]` : parsed;
}

/**
 * The latest requests, oldest first, at most `limit` of them: an array so that tests can read it
 * as one, trimmed from the front as new requests arrive.
 */
export class RequestLog {
  readonly entries: RecordedRequest[] = [];

  constructor(readonly limit: number) {}

  add(record: RecordedRequest): void {
    this.entries.push(record);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
  }

  /** The latest `count`, newest first. */
  latest(count: number): RecordedRequest[] {
    return this.entries.slice(-count).reverse();
  }
}
