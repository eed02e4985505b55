/**
 * `pulumi-chatkit/provider`: the provider that every session's recorded `__provider` text loads by name.
 * It loads no `@pulumi/pulumi` at run time, and zod only when check runs, so the host starts fast.
 */
import { SessionProvider } from "./lifecycle";

export { ChatKitApiError } from "./errors";
export { type LifecycleOptions, SessionLifecycle, SessionProvider } from "./lifecycle";
export type { CheckFailure, SessionInputs } from "./schema";
export type { SessionOutputs } from "./wire";

/**
 * The one provider of this process, used by every serialized provider. Its name is a contract:
 * the serialized providers in states written by every version load it as `lifecycle`.
 */
export const lifecycle = new SessionProvider();
