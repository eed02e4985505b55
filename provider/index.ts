/**
 * `pulumi-chatkit/provider`: the lifecycle the serialized ChatKitSessionProvider loads by name.
 * Kept free of `@pulumi/pulumi` at run time so the provider host starts fast.
 */
export { clientFor } from "./client";
export { ChatKitApiError, redact } from "./errors";
export { IMPORT_REFUSED, type LifecycleOptions, SessionLifecycle } from "./lifecycle";
export { canonicalJson, DEFAULTS, effectiveRenewBefore, normalize, type SessionShape } from "./normalize";
export { type CheckFailure, LIMITS, type SessionInputs, validateInputs } from "./schema";
export { type ResolvedSettings, readStackSettings, resolveSettings, SETTING_DEFAULTS } from "./settings";
export { UNKNOWN } from "./unknown";
export { type SessionOutputs, toCreateBody, toOutputs } from "./wire";

import { SessionLifecycle } from "./lifecycle";

/** The one lifecycle of this process, used by every serialized ChatKitSessionProvider. */
export const lifecycle = new SessionLifecycle();
