/** Faults a test or a teacher queues (or draws at random) to see how a client copes. */

export type FaultKind =
  /** Answer with this status (and Retry-After where given) before acting. */
  | "status"
  /** Wait delayMs, then handle the request normally. */
  | "latency"
  /** Close the connection before acting. */
  | "drop"
  /** Act (create the session), then close the connection without answering. */
  | "dropAfterActing"
  /** Never answer. */
  | "hang"
  /** Act, then answer 200 with a body that is not JSON. */
  | "notJsonAfterActing"
  /** Act, then answer 200 with only the session's id: JSON, but not a session. */
  | "partialAfterActing";

export type FaultEndpoint = "create" | "cancel";

export interface Fault {
  kind: FaultKind;
  /** Which endpoint: default both. */
  on?: FaultEndpoint;
  status?: number;
  retryAfterSeconds?: number;
  retryAfterMs?: number;
  delayMs?: number;
  /** How many requests it applies to (default 1). */
  times?: number;
}

export interface RandomFaults {
  /** Share of matching requests that get a fault, 0 to 1. */
  rate: number;
  faults: Fault[];
  on?: FaultEndpoint;
}

export class FaultInjector {
  private readonly queued: Fault[] = [];
  private random: RandomFaults | undefined;
  /** How many of each kind were served. */
  readonly served: Record<string, number> = {};

  inject(fault: Fault): void {
    this.queued.push(fault);
  }

  get queuedCount(): number {
    return this.queued.length;
  }

  clear(): void {
    this.queued.length = 0;
    this.random = undefined;
  }

  setRandom(random: RandomFaults | undefined): void {
    this.random = random;
  }

  /** The fault for this request, if any: queued ones first (in order), then a random draw. */
  take(endpoint: FaultEndpoint): Fault | undefined {
    const fault = this.takeQueued(endpoint) ?? this.draw(endpoint);
    if (fault) this.served[fault.kind] = (this.served[fault.kind] ?? 0) + 1;
    return fault;
  }

  private takeQueued(endpoint: FaultEndpoint): Fault | undefined {
    const index = this.queued.findIndex((fault) => !fault.on || fault.on === endpoint);
    if (index < 0) return undefined;
    const fault = this.queued[index] as Fault;
    const left = (fault.times ?? 1) - 1;
    if (left <= 0) this.queued.splice(index, 1);
    else this.queued[index] = { ...fault, times: left };
    return fault;
  }

  private draw(endpoint: FaultEndpoint): Fault | undefined {
    const random = this.random;
    if (!random || (random.on && random.on !== endpoint) || Math.random() >= random.rate) return undefined;
    return random.faults[Math.floor(Math.random() * random.faults.length)];
  }
}

/** Every kind of fault, in the order a refusal lists them. */
export const FAULT_KINDS: readonly FaultKind[] = [
  "status",
  "latency",
  "drop",
  "dropAfterActing",
  "hang",
  "notJsonAfterActing",
  "partialAfterActing",
];

/** What each field of a fault accepts: a test for the value and the words for the error. */
const FIELDS: Record<string, [(value: unknown) => boolean, string]> = {
  kind: [
    (value) => FAULT_KINDS.includes(value as FaultKind),
    `one of ${FAULT_KINDS.map((kind) => `'${kind}'`).join(", ")}`,
  ],
  on: [(value) => value === "create" || value === "cancel", "'create' or 'cancel'"],
  status: [
    (value) => Number.isInteger(value) && (value as number) >= 400 && (value as number) <= 599,
    "an integer from 400 to 599",
  ],
  retryAfterSeconds: [
    (value) => Number.isFinite(value) && (value as number) >= 0 && (value as number) <= 3600,
    "a number of seconds from 0 to 3600",
  ],
  retryAfterMs: [
    (value) => Number.isFinite(value) && (value as number) >= 0 && (value as number) <= 3_600_000,
    "a number of milliseconds from 0 to 3600000",
  ],
  delayMs: [
    (value) => Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 600_000,
    "an integer number of milliseconds from 0 to 600000",
  ],
  times: [
    (value) => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 10_000,
    "an integer from 1 to 10000",
  ],
};

/**
 * Why a fault asked for over HTTP cannot be queued, or undefined when it can. A fault that is
 * not understood would otherwise be served as a 500 on every later request.
 */
export function faultProblem(value: unknown): { message: string; param: string | null } | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { message: 'A fault must be a JSON object such as {"kind": "status", "status": 429}.', param: null };
  }
  const fault = value as Record<string, unknown>;
  if (!Object.hasOwn(fault, "kind")) return { message: "Missing required parameter: 'kind'.", param: "kind" };
  for (const key of Object.keys(fault)) {
    const field = Object.hasOwn(FIELDS, key) ? FIELDS[key] : undefined;
    if (!field) return { message: `Unknown parameter: '${key}'.`, param: key };
    if (!field[0](fault[key])) return { message: `Invalid '${key}': expected ${field[1]}.`, param: key };
  }
  if (fault.kind !== "status" && fault.status !== undefined) {
    return { message: "Invalid 'status': only a fault of kind 'status' answers with a status.", param: "status" };
  }
  return undefined;
}
