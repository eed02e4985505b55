import type { ServerResponse } from "node:http";
import { ASSUMPTION_HEADER } from "./assumptions";
import type { ApiError } from "./errors";
import type { RecordedRequest } from "./requestLog";

/** Writes answers the API's way (JSON, x-request-id) and reports each on the emulator's log line. */
export class Responder {
  constructor(
    private readonly log: ((line: string) => void) | undefined,
    /** Told of every request once it is answered or dropped (the live page listens). */
    private readonly answered: (record: RecordedRequest) => void = () => {},
  ) {}

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
    { status, error }: ApiError,
    headers?: Record<string, string>,
  ): void {
    // The 401 for a wrong key quotes a masked fragment of it: the log keeps no part of a key.
    const message = error.code === "invalid_api_key" ? "Incorrect API key provided." : error.message;
    record.error = { type: error.type, message };
    this.send(res, record, status, { error }, headers);
  }

  /** Closes the connection without an answer (a dropped-connection fault). */
  drop(res: ServerResponse, record: RecordedRequest): void {
    record.dropped = true;
    res.socket?.destroy();
    this.log?.(`${record.method} ${record.path} dropped ${record.requestId}`);
    this.answered(record);
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
    const assumptions = headers[ASSUMPTION_HEADER];
    if (assumptions) record.assumptions = assumptions.split(", ");
    res.writeHead(status, { "content-type": "application/json", "x-request-id": record.requestId, ...headers });
    res.end(text);
    this.log?.(`${record.method} ${record.path} ${status} ${record.requestId}`);
    this.answered(record);
  }
}
