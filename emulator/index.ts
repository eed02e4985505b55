/** `pulumi-chatkit/emulator`: the local ChatKit sessions API, for tests, examples and pipelines. */

export type { ApiErrorBody } from "./errors";
export {
  type Emulator,
  type EmulatorOptions,
  type Fault,
  type FaultKind,
  type RecordedRequest,
  type SessionSeed,
  type SessionSnapshot,
  type SessionStatus,
  startEmulator,
} from "./server";
export { validateCreateBody } from "./validate";
