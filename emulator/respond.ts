import type { ServerResponse } from "node:http";
import type { RecordedRequest } from "./requestLog";
import type { ApiErrorBody } from "./validate";

/** Writes answers the API's way (JSON, x-request-id) and reports each on the emulator's log line. */
export class Responder {
  constructor(private readonly log: ((line: string) => void) | undefined) {}

  send(
    res: ServerResponse,
    record: RecordedRequest,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    this.writeRaw(res, record, status, JSON.stringify(body), headers);
  }

  /** An error in the API's envelope: `{ "error": { message, type, param, code } }`. */
  fail(
    res: ServerResponse,
    record: RecordedRequest,
    status: number,
    error: ApiErrorBody,
    headers?: Record<string, string>,
  ): void {
    this.send(res, record, status, { error }, headers);
  }

  /** Any text as a JSON answer: the not-JSON fault uses it. */
  writeRaw(
    res: ServerResponse,
    record: RecordedRequest,
    status: number,
    text: string,
    headers: Record<string, string> = {},
  ): void {
    record.status = status;
    res.writeHead(status, { "content-type": "application/json", "x-request-id": record.requestId, ...headers });
    res.end(text);
    this.log?.(`${record.method} ${record.path} ${status} ${record.requestId}`);
  }
}
