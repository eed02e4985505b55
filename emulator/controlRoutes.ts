import type { IncomingMessage, ServerResponse } from "node:http";
import { invalidFault, unknownControl } from "./errors";
import { type Fault, type FaultInjector, faultProblem } from "./faults";
import type { RecordedRequest } from "./requestLog";
import type { Responder } from "./respond";
import type { Route } from "./routes";
import type { SessionStore } from "./store";

/** Test and tooling hooks over HTTP under /_emulator/, for an emulator started from the command line. */

/** The emulator's own routes (not the API's): test and tooling hooks. */
export const CONTROL_ROUTES = [
  { method: "GET", path: "/_emulator/sessions" },
  { method: "POST", path: "/_emulator/faults" },
  { method: "DELETE", path: "/_emulator/faults" },
] as const satisfies readonly Route[];

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
    const list = store.all().map((session) => ({
      id: session.id,
      user: session.user,
      workflowId: session.workflow.id,
      expiresAt: session.expiresAt,
      status: store.statusOf(session),
    }));
    return reply.send(res, record, 200, { data: list });
  }
  if (record.path === "/_emulator/faults" && req.method === "POST") {
    const problem = faultProblem(body);
    if (problem) {
      return reply.fail(res, record, invalidFault(problem));
    }
    faults.inject(body as Fault);
    return reply.send(res, record, 200, { queued: faults.queuedCount });
  }
  if (record.path === "/_emulator/faults" && req.method === "DELETE") {
    faults.clear();
    return reply.send(res, record, 200, { queued: faults.queuedCount });
  }
  return reply.fail(res, record, unknownControl(record.path));
}
