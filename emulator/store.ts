import { createHash, randomBytes } from "node:crypto";
import type { Clock } from "./clock";
import {
  type CreateBody,
  endedAt,
  type Session,
  type SessionSnapshot,
  type SessionStatus,
  sessionOf,
  snapshotOf,
  statusAt,
  toWire,
} from "./session";

/**
 * The sessions the emulator has made, on its own clock: creation, cancel, expiry, and what the
 * API shows of a session at any moment, within a bound on the bytes they hold.
 */

export interface Counters {
  created: number;
  cancelled: number;
  faults: Record<string, number>;
  rateLimited: number;
}

export const digest = (text: string) => createHash("sha256").update(text).digest("hex");
export const token = (bytes: number) => randomBytes(bytes).toString("hex");

/** The default of `maxStoredBytes`: four creates with the largest body the emulator reads. */
export const DEFAULT_MAX_STORED_BYTES = 64 * 1024 * 1024;

/** About what a session holds: its answer as JSON (state variables are nearly all of it). */
export function sizeOf(session: Session): number {
  try {
    return Buffer.byteLength(JSON.stringify(toWire(session, "active")));
  } catch {
    return 0;
  }
}

/** A create the store has no room for: when to try again (the soonest an active session ends). */
export interface StoreFull {
  full: true;
  retryAfterSeconds: number;
  neededBytes: number;
}

/** A session recorded elsewhere (a state fixture), put back under its id and secret. */
export interface SessionSeed {
  id: string;
  clientSecret: string;
  user: string;
  workflowId: string;
  createdAt: number;
  expiresAt: number;
  cancelledAt?: number;
  /** The key that created it: only this key's project sees it. */
  apiKey: string;
}

export class SessionStore {
  private readonly sessions = new Map<string, { session: Session; bytes: number }>();
  private bytes = 0;

  constructor(
    private readonly clock: Clock,
    private readonly counters: Counters,
    /** Bytes of sessions kept at most: without a bound, a few large creates exhaust the heap. */
    readonly maxBytes = DEFAULT_MAX_STORED_BYTES,
  ) {}

  /** Bytes the stored sessions hold now. */
  get storedBytes(): number {
    return this.bytes;
  }

  get size(): number {
    return this.sessions.size;
  }

  get(id: string): Session | undefined {
    return this.sessions.get(id)?.session;
  }

  /** Every stored session, in the order they were put in. */
  all(): Session[] {
    return [...this.sessions.values()].map((entry) => entry.session);
  }

  statusOf(session: Session): SessionStatus {
    return statusAt(session, this.clock.nowSeconds());
  }

  active(): Session[] {
    return this.all().filter((session) => this.statusOf(session) === "active");
  }

  /** The session as tests and tools see it now. */
  snapshot(session: Session): SessionSnapshot {
    return snapshotOf(session, this.statusOf(session));
  }

  /** The session as the API answers it now. */
  view(session: Session) {
    return toWire(session, this.statusOf(session));
  }

  /**
   * Creates a session from a body that passed validation, with the API's defaults filled in; when
   * it does not fit in `maxBytes`, ended sessions are forgotten first (oldest ended first), and
   * if it still does not fit, nothing is stored.
   */
  create(body: CreateBody, key: string): Session | StoreFull {
    const session = sessionOf(body, {
      id: `cksess_${token(16)}`,
      clientSecret: `ek_${token(24)}`,
      createdAt: Math.floor(this.clock.nowSeconds()),
      ownerDigest: digest(key),
    });
    const needed = sizeOf(session);
    if (!this.makeRoom(needed)) return { full: true, retryAfterSeconds: this.soonestEnd(), neededBytes: needed };
    this.put(session);
    this.counters.created++;
    return session;
  }

  /** Puts back a session recorded elsewhere, replacing any under its id; the byte bound does not apply. */
  restore(seed: SessionSeed): Session {
    const made = sessionOf(
      {
        user: seed.user,
        workflow: { id: seed.workflowId },
        expires_after: { anchor: "created_at", seconds: seed.expiresAt - seed.createdAt },
      },
      { id: seed.id, clientSecret: seed.clientSecret, createdAt: seed.createdAt, ownerDigest: digest(seed.apiKey) },
    );
    const session = { ...made, cancelledAt: seed.cancelledAt ?? null };
    this.put(session);
    return session;
  }

  /** The session with this id if the key's project owns it; another project's sessions do not exist for it. */
  ownedBy(id: string, key: string): Session | undefined {
    const session = this.get(id);
    return session && session.ownerDigest === digest(key) ? session : undefined;
  }

  /** Cancels an active session; an expired or cancelled one stays as it is. Gives the session after. */
  cancel(session: Session): Session {
    if (this.statusOf(session) !== "active") return session;
    this.counters.cancelled++;
    return this.put({ ...session, cancelledAt: this.clock.nowSeconds() });
  }

  /** Ends an active session now, as if its time had run out (a teaching control). Gives the session after. */
  expireNow(session: Session): Session {
    if (this.statusOf(session) !== "active") return session;
    return this.put({ ...session, expiresAt: Math.min(session.expiresAt, Math.floor(this.clock.nowSeconds())) });
  }

  bySecret(secret: string): Session | undefined {
    if (!secret) return undefined;
    return this.all().find((session) => session.clientSecret === secret);
  }

  /**
   * Forgets sessions that ended more than `retainSeconds` ago: past any use (their secret is dead
   * and a cancel would change nothing), they would otherwise be kept forever.
   */
  prune(retainSeconds: number): void {
    const now = this.clock.nowSeconds();
    for (const session of this.all()) {
      const ended = endedAt(session, now);
      if (ended !== undefined && ended < now - retainSeconds) this.forget(session.id);
    }
  }

  private put(session: Session): Session {
    const bytes = sizeOf(session);
    this.bytes += bytes - (this.sessions.get(session.id)?.bytes ?? 0);
    this.sessions.set(session.id, { session, bytes });
    return session;
  }

  private forget(id: string): void {
    this.bytes -= this.sessions.get(id)?.bytes ?? 0;
    this.sessions.delete(id);
  }

  /** Forgets ended sessions, oldest ended first, until `bytes` more fit; false when they cannot. */
  private makeRoom(bytes: number): boolean {
    if (this.bytes + bytes <= this.maxBytes) return true;
    const now = this.clock.nowSeconds();
    const ended = this.all()
      .map((session) => ({ id: session.id, at: endedAt(session, now) }))
      .filter((entry): entry is { id: string; at: number } => entry.at !== undefined)
      .sort((a, b) => a.at - b.at);
    for (const { id } of ended) {
      this.forget(id);
      if (this.bytes + bytes <= this.maxBytes) return true;
    }
    return false;
  }

  /** Whole seconds until the soonest active session ends and can be forgotten (at least 1). */
  private soonestEnd(): number {
    const now = this.clock.nowSeconds();
    const ends = this.active().map((session) => session.expiresAt - now);
    return Math.max(1, Math.ceil(Math.min(...ends, 600)));
  }
}
