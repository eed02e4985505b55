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
