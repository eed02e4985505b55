/**
 * `pulumi-chatkit/provider`: the lifecycle the serialized ChatKitSessionProvider loads by name.
 * It loads no `@pulumi/pulumi` at run time, and zod only when check runs, so the host starts fast.
 */
import { SessionLifecycle } from "./lifecycle";

export { ChatKitApiError } from "./errors";
export { type LifecycleOptions, SessionLifecycle } from "./lifecycle";
export type { CheckFailure, SessionInputs } from "./schema";
export type { SessionOutputs } from "./wire";

/** The one lifecycle of this process, used by every serialized ChatKitSessionProvider. */
export const lifecycle = new SessionLifecycle();
