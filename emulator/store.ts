import { createHash, randomBytes } from "node:crypto";
import type { Clock } from "./clock";

/**
 * The sessions the emulator has made, on its own clock: creation with the documented defaults,
 * cancel, expiry, and what the API shows of a session at any moment.
 */

export type SessionStatus = "active" | "expired" | "cancelled";

export interface StoredSession {
  id: string;
  user: string;
  workflowId: string;
  /** Seconds on the emulator's clock. */
  createdAt: number;
  /** The lifetime it was created with (expires_after.seconds); absent for a session put in by a test. */
  lifetimeSeconds?: number;
  expiresAt: number;
  cancelled: boolean;
  /** When it was cancelled, seconds on the emulator's clock. */
  cancelledAt?: number;
  /** sha256 of the key that created it: sessions are only visible to the key (project) that made them. */
  ownerDigest: string;
  response: Record<string, unknown>;
}

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

/** About what a session holds: its stored answer as JSON (state variables are nearly all of it). */
function sizeOf(session: StoredSession): number {
  try {
    return Buffer.byteLength(JSON.stringify(session.response) ?? "");
  } catch {
    return 0;
  }
}

/**
 * The sessions by id, with the bytes they hold kept up to date however they are put in or taken
 * out: tests put in and delete sessions through this map directly.
 */
class SessionMap extends Map<string, StoredSession> {
  bytes = 0;
  private readonly sizes = new Map<string, number>();

  override set(id: string, session: StoredSession): this {
    const size = sizeOf(session);
    this.bytes += size - (this.sizes.get(id) ?? 0);
    this.sizes.set(id, size);
    return super.set(id, session);
  }

  override delete(id: string): boolean {
    this.bytes -= this.sizes.get(id) ?? 0;
    this.sizes.delete(id);
    return super.delete(id);
  }

  override clear(): void {
    this.bytes = 0;
    this.sizes.clear();
    super.clear();
  }
}

/** A create the store has no room for: when to try again (the soonest an active session ends). */
export interface StoreFull {
  full: true;
  retryAfterSeconds: number;
  neededBytes: number;
}

export class SessionStore {
  readonly sessions = new SessionMap();

  constructor(
    private readonly clock: Clock,
    private readonly counters: Counters,
    /** Bytes of sessions kept at most: without a bound, a few large creates exhaust the heap. */
    readonly maxBytes = DEFAULT_MAX_STORED_BYTES,
  ) {}

  /** Bytes the stored sessions hold now. */
  get storedBytes(): number {
    return this.sessions.bytes;
  }

  statusOf(session: StoredSession): SessionStatus {
    if (session.cancelled) return "cancelled";
    return session.expiresAt <= this.clock.nowSeconds() ? "expired" : "active";
  }

  active(): StoredSession[] {
    return [...this.sessions.values()].filter((session) => this.statusOf(session) === "active");
  }

  /**
   * Creates a session from a body that passed validation, with the API's defaults filled in; when
   * it does not fit in `maxBytes`, ended sessions are forgotten first (oldest ended first), and
   * if it still does not fit, nothing is stored.
   */
  create(body: Record<string, any>, key: string): StoredSession | StoreFull {
    const now = Math.floor(this.clock.nowSeconds());
    const seconds = body.expires_after?.seconds ?? 600;
    const configuration = body.chatkit_configuration ?? {};
    const limit = body.rate_limits?.max_requests_per_1_minute ?? 10;
    const id = `cksess_${token(16)}`;
    const response = {
      id,
      object: "chatkit.session",
      client_secret: `ek_${token(24)}`,
      expires_at: now + seconds,
      status: "active",
      user: body.user,
      workflow: {
        id: body.workflow.id,
        version: body.workflow.version ?? null,
        state_variables: body.workflow.state_variables ?? null,
        tracing: { enabled: body.workflow.tracing?.enabled ?? true },
      },
      chatkit_configuration: {
        automatic_thread_titling: { enabled: configuration.automatic_thread_titling?.enabled ?? true },
        file_upload: {
          enabled: configuration.file_upload?.enabled ?? false,
          max_file_size: configuration.file_upload?.max_file_size ?? 512,
          max_files: configuration.file_upload?.max_files ?? 10,
        },
        history: {
          enabled: configuration.history?.enabled ?? true,
          recent_threads: configuration.history?.recent_threads ?? null,
        },
      },
      rate_limits: { max_requests_per_1_minute: limit },
      max_requests_per_1_minute: limit,
    };
    const session: StoredSession = {
      id,
      user: body.user,
      workflowId: body.workflow.id,
      createdAt: now,
      lifetimeSeconds: seconds,
      expiresAt: now + seconds,
      cancelled: false,
      ownerDigest: digest(key),
      response,
    };
    const needed = sizeOf(session);
    if (!this.makeRoom(needed)) return { full: true, retryAfterSeconds: this.soonestEnd(), neededBytes: needed };
    this.sessions.set(id, session);
    this.counters.created++;
    return session;
  }

  /** The session with this id if the key's project owns it; another project's sessions do not exist for it. */
  ownedBy(id: string, key: string): StoredSession | undefined {
    const session = this.sessions.get(id);
    return session && session.ownerDigest === digest(key) ? session : undefined;
  }

  /** Cancels an active session; an expired or cancelled one stays as it is. */
  cancel(session: StoredSession): void {
    if (this.statusOf(session) !== "active") return;
    session.cancelled = true;
    session.cancelledAt = this.clock.nowSeconds();
    this.counters.cancelled++;
  }

  /** When the session stopped being usable (cancelled or expired), or undefined while active. */
  endedAt(session: StoredSession): number | undefined {
    if (session.cancelled) return session.cancelledAt ?? session.expiresAt;
    return session.expiresAt <= this.clock.nowSeconds() ? session.expiresAt : undefined;
  }

  /**
   * Forgets sessions that ended more than `retainSeconds` ago: past any use (their secret is dead
   * and a cancel would change nothing), they would otherwise be kept forever.
   */
  prune(retainSeconds: number): void {
    const before = this.clock.nowSeconds() - retainSeconds;
    for (const [id, session] of this.sessions) {
      const ended = this.endedAt(session);
      if (ended !== undefined && ended < before) this.sessions.delete(id);
    }
  }

  /** Forgets ended sessions, oldest ended first, until `bytes` more fit; false when they cannot. */
  private makeRoom(bytes: number): boolean {
    if (this.storedBytes + bytes <= this.maxBytes) return true;
    const ended = [...this.sessions.values()]
      .map((session) => ({ session, at: this.endedAt(session) }))
      .filter((entry): entry is { session: StoredSession; at: number } => entry.at !== undefined)
      .sort((a, b) => a.at - b.at);
    for (const { session } of ended) {
      this.sessions.delete(session.id);
      if (this.storedBytes + bytes <= this.maxBytes) return true;
    }
    return false;
  }

  /** Whole seconds until the soonest active session ends and can be forgotten (at least 1). */
  private soonestEnd(): number {
    const now = this.clock.nowSeconds();
    const ends = this.active().map((session) => session.expiresAt - now);
    return Math.max(1, Math.ceil(Math.min(...ends, 600)));
  }

  /** Ends an active session now, as if its time had run out (a teaching control). */
  expireNow(session: StoredSession): void {
    if (this.statusOf(session) !== "active") return;
    session.expiresAt = Math.min(session.expiresAt, Math.floor(this.clock.nowSeconds()));
    session.response.expires_at = session.expiresAt;
  }

  bySecret(secret: string): StoredSession | undefined {
    if (!secret) return undefined;
    for (const session of this.sessions.values()) if (session.response.client_secret === secret) return session;
    return undefined;
  }

  /** The session as the API shows it now: the client secret only while it can still be used. */
  view(session: StoredSession): Record<string, unknown> {
    const status = this.statusOf(session);
    return { ...session.response, status, client_secret: status === "active" ? session.response.client_secret : "" };
  }
}
