import type { IncomingMessage, ServerResponse } from "node:http";
import { type Fault, type FaultInjector, faultProblem } from "./faults";
import type { RecordedRequest } from "./requestLog";
import type { Responder } from "./respond";
import type { SessionStore } from "./store";

/** Test and tooling hooks over HTTP under /_emulator/, for an emulator started from the command line. */

export interface ControlContext {
  store: SessionStore;
  faults: FaultInjector;
  reply: Responder;
}

export function handleControl(
  { store, faults, reply }: ControlContext,
  req: IncomingMessage,
  res: ServerResponse,
  record: RecordedRequest,
  body: unknown,
) {
  if (record.path === "/_emulator/sessions" && req.method === "GET") {
    const list = [...store.sessions.values()].map((session) => ({
      id: session.id,
      user: session.user,
      workflowId: session.workflowId,
      expiresAt: session.expiresAt,
      status: store.statusOf(session),
    }));
    return reply.send(res, record, 200, { data: list });
  }
  if (record.path === "/_emulator/faults" && req.method === "POST") {
    const problem = faultProblem(body);
    if (problem) {
      return reply.fail(res, record, 400, { ...problem, type: "invalid_request_error", code: "invalid_fault" });
    }
    faults.inject(body as Fault);
    return reply.send(res, record, 200, { queued: faults.queuedCount });
  }
  if (record.path === "/_emulator/faults" && req.method === "DELETE") {
    faults.clear();
    return reply.send(res, record, 200, { queued: faults.queuedCount });
  }
  return reply.fail(res, record, 404, {
    message: `Unknown emulator control ${record.path}`,
    type: "invalid_request_error",
    param: null,
    code: null,
  });
}
