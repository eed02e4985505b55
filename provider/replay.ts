/**
 * A create answer that is not the API's answer to this request, but an old one replayed (a caching
 * gateway). Taken as an answer, its session would be recorded as live while it may be long dead,
 * or belong to another resource, and its age would be read as this machine's clock being off.
 *
 * What tells a replay apart from a clock that is off, and what is checked:
 * - an id this process has already seen (in a state or an answer): the API never creates one twice;
 * - an `Age` header, a cache's own word that it held the answer, longer than the request took;
 * - a `Date` header that agrees with this machine's clock, on an answer whose session was created
 *   well before the request left: two clocks agree, so the gap is not a clock's.
 * A replay that keeps the old `Date` and sends no `Age` looks exactly like a clock that is off;
 * the clock's warning says so (see clock.ts).
 */

/** How far apart two clocks, or an answer's age and the request's duration, may be: whole seconds, latency, drift. */
export const REPLAY_TOLERANCE_SECONDS = 10;

/** The create answer was a replay: its session is not recorded, and not cancelled (it may be another's). */
export class ReplayedAnswerError extends Error {
  constructor(
    readonly sessionId: string,
    reason: string,
  ) {
    super(
      `the answer is not the API's answer to this request but an old one replayed, most likely by a cache or gateway between this machine and the API: ${reason}. Session ${sessionId} in it is not recorded, and not cancelled (it may have ended long ago, or belong to another resource). Configure the cache to pass POST requests to /chatkit/sessions through, never storing their answers`,
    );
    this.name = "ReplayedAnswerError";
  }
}

export interface CreateAnswer {
  id: string;
  /** When the API created the session, by its clock (unix seconds). */
  createdAt: number;
  headers: Headers;
  /** When this machine sent the request and received the answer (milliseconds since the epoch). */
  sentAtMs: number;
  receivedAtMs: number;
}

export class ReplayCheck {
  private readonly seen = new Set<string>();

  /** Remembers a session id met in a state or an answer. */
  saw(id: string): void {
    this.seen.add(id);
  }

  /** Why this answer is a replay, or undefined when nothing shows that it is. */
  reasonFor(answer: CreateAnswer): string | undefined {
    const { id, createdAt, headers, sentAtMs, receivedAtMs } = answer;
    if (this.seen.has(id)) {
      return `session ${id} was already known to this process, and the API never answers two creates with one session`;
    }
    const tookSeconds = (receivedAtMs - sentAtMs) / 1000;
    const age = Number(headers.get("age") ?? Number.NaN);
    if (Number.isFinite(age) && age > tookSeconds + REPLAY_TOLERANCE_SECONDS) {
      return `its Age header says a cache has held it for ${age} s, while the request took ${Math.ceil(tookSeconds)} s`;
    }
    // The Date header is the answering clock's time: the session must have been created after that
    // clock's time when the request left, which is the Date less the request's duration.
    const dated = Date.parse(headers.get("date") ?? "") / 1000;
    const earlier = dated - tookSeconds - createdAt;
    if (Math.abs(dated - receivedAtMs / 1000) <= REPLAY_TOLERANCE_SECONDS && earlier > REPLAY_TOLERANCE_SECONDS) {
      return `its Date header agrees with this machine's clock, yet the session in it was created ${Math.round(earlier)} s before the request was sent`;
    }
    return undefined;
  }
}
