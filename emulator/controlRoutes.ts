import { invalidFault } from "./errors";
import { type Fault, type FaultInjector, faultProblem } from "./faults";
import type { Responder } from "./respond";
import type { Route } from "./routes";
import type { SessionStore } from "./store";

/** Test and tooling hooks over HTTP under /_emulator/, for an emulator started from the command line. */

export interface ControlContext {
  store: SessionStore;
  faults: FaultInjector;
  reply: Responder;
}

/** The emulator's own routes (not the API's): test and tooling hooks. */
export const CONTROL_ROUTES = [
  {
    method: "GET",
    path: "/_emulator/sessions",
    handle: ({ store, reply }, { res, record }) => {
      const list = store.all().map((session) => ({
        id: session.id,
        user: session.user,
        workflowId: session.workflow.id,
        expiresAt: session.expiresAt,
        status: store.statusOf(session),
      }));
      reply.send(res, record, 200, { data: list });
    },
  },
  {
    method: "POST",
    path: "/_emulator/faults",
    handle: ({ faults, reply }, { res, record, body }) => {
      const problem = faultProblem(body);
      if (problem) return reply.fail(res, record, invalidFault(problem));
      faults.inject(body as Fault);
      reply.send(res, record, 200, { queued: faults.queuedCount });
    },
  },
  {
    method: "DELETE",
    path: "/_emulator/faults",
    handle: ({ faults, reply }, { res, record }) => {
      faults.clear();
      reply.send(res, record, 200, { queued: faults.queuedCount });
    },
  },
] as const satisfies readonly Route<ControlContext>[];
