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

export class SessionStore {
  readonly sessions = new Map<string, StoredSession>();

  constructor(
    private readonly clock: Clock,
    private readonly counters: Counters,
  ) {}

  statusOf(session: StoredSession): SessionStatus {
    if (session.cancelled) return "cancelled";
    return session.expiresAt <= this.clock.nowSeconds() ? "expired" : "active";
  }

  active(): StoredSession[] {
    return [...this.sessions.values()].filter((session) => this.statusOf(session) === "active");
  }

  /** Creates a session from a body that passed validation, with the API's defaults filled in. */
  create(body: Record<string, any>, key: string): StoredSession {
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
