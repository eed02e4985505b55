import type { FaultKind } from "./faults";

/** One handled request, as tests and the page see it: never the Authorization header. */
export interface RecordedRequest {
  requestId: string;
  method: string;
  path: string;
  /** Every header but Authorization. */
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  status?: number;
  fault?: FaultKind;
}
