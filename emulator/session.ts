/**
 * A ChatKit session as the emulator holds it: the API's session resource (ChatSessionResource)
 * in camel case, with the API's defaults filled in, plus what the API keeps to itself (when it
 * was made and cancelled, which project owns it). `toWire` is the one place that writes the
 * API's JSON answer from it. A session is never changed in place: a cancel or an expiry makes a
 * new one, so a copy handed out stays as it was.
 */

export type SessionStatus = "active" | "expired" | "cancelled";

export type StateValue = string | number | boolean;

export interface Session {
  readonly id: string;
  readonly clientSecret: string;
  readonly user: string;
  readonly workflow: {
    readonly id: string;
    readonly version: string | null;
    readonly stateVariables: Readonly<Record<string, StateValue>> | null;
    readonly tracing: { readonly enabled: boolean };
  };
  readonly chatkitConfiguration: {
    readonly automaticThreadTitling: { readonly enabled: boolean };
    readonly fileUpload: { readonly enabled: boolean; readonly maxFileSize: number; readonly maxFiles: number };
    readonly history: { readonly enabled: boolean; readonly recentThreads: number | null };
  };
  readonly rateLimits: { readonly maxRequestsPer1Minute: number };
  /** Seconds on the emulator's clock. */
  readonly createdAt: number;
  /** The lifetime it was created with (expires_after.seconds). */
  readonly lifetimeSeconds: number;
  /** Seconds on the emulator's clock; earlier than creation + lifetime once expired now by a teaching control. */
  readonly expiresAt: number;
  /** When it was cancelled, seconds on the emulator's clock; null while not cancelled. */
  readonly cancelledAt: number | null;
  /** sha256 of the key that created it: sessions are only visible to the key (project) that made them. */
  readonly ownerDigest: string;
}

/** A create body that passed validation (validate.ts), in the API's names. */
export interface CreateBody {
  user: string;
  workflow: {
    id: string;
    version?: string;
    state_variables?: Record<string, StateValue>;
    tracing?: { enabled?: boolean };
  };
  expires_after?: { anchor: "created_at"; seconds: number };
  rate_limits?: { max_requests_per_1_minute?: number };
  chatkit_configuration?: {
    automatic_thread_titling?: { enabled?: boolean };
    file_upload?: { enabled?: boolean; max_file_size?: number; max_files?: number };
    history?: { enabled?: boolean; recent_threads?: number };
  };
}

/** What the API makes of a create body: its defaults where the body says nothing. */
export function sessionOf(
  body: CreateBody,
  made: { id: string; clientSecret: string; createdAt: number; ownerDigest: string },
): Session {
  const seconds = body.expires_after?.seconds ?? 600;
  const configuration = body.chatkit_configuration ?? {};
  return {
    id: made.id,
    clientSecret: made.clientSecret,
    user: body.user,
    workflow: {
      id: body.workflow.id,
      version: body.workflow.version ?? null,
      stateVariables: body.workflow.state_variables ?? null,
      tracing: { enabled: body.workflow.tracing?.enabled ?? true },
    },
    chatkitConfiguration: {
      automaticThreadTitling: { enabled: configuration.automatic_thread_titling?.enabled ?? true },
      fileUpload: {
        enabled: configuration.file_upload?.enabled ?? false,
        maxFileSize: configuration.file_upload?.max_file_size ?? 512,
        maxFiles: configuration.file_upload?.max_files ?? 10,
      },
      history: {
        enabled: configuration.history?.enabled ?? true,
        recentThreads: configuration.history?.recent_threads ?? null,
      },
    },
    rateLimits: { maxRequestsPer1Minute: body.rate_limits?.max_requests_per_1_minute ?? 10 },
    createdAt: made.createdAt,
    lifetimeSeconds: seconds,
    expiresAt: made.createdAt + seconds,
    cancelledAt: null,
    ownerDigest: made.ownerDigest,
  };
}

export function statusAt(session: Session, nowSeconds: number): SessionStatus {
  if (session.cancelledAt !== null) return "cancelled";
  return session.expiresAt <= nowSeconds ? "expired" : "active";
}

/** When the session stopped being usable (cancelled or expired), or undefined while active. */
export function endedAt(session: Session, nowSeconds: number): number | undefined {
  if (session.cancelledAt !== null) return session.cancelledAt;
  return session.expiresAt <= nowSeconds ? session.expiresAt : undefined;
}

/** The session as the API answers it with this status: the client secret only while it can still be used. */
export function toWire(session: Omit<Session, "ownerDigest">, status: SessionStatus) {
  const { workflow, chatkitConfiguration: configuration } = session;
  const limit = session.rateLimits.maxRequestsPer1Minute;
  return {
    id: session.id,
    object: "chatkit.session",
    client_secret: status === "active" ? session.clientSecret : "",
    expires_at: session.expiresAt,
    status,
    user: session.user,
    workflow: {
      id: workflow.id,
      version: workflow.version,
      state_variables: workflow.stateVariables,
      tracing: { enabled: workflow.tracing.enabled },
    },
    chatkit_configuration: {
      automatic_thread_titling: { enabled: configuration.automaticThreadTitling.enabled },
      file_upload: {
        enabled: configuration.fileUpload.enabled,
        max_file_size: configuration.fileUpload.maxFileSize,
        max_files: configuration.fileUpload.maxFiles,
      },
      history: { enabled: configuration.history.enabled, recent_threads: configuration.history.recentThreads },
    },
    rate_limits: { max_requests_per_1_minute: limit },
    max_requests_per_1_minute: limit,
  };
}

/** A session as tests and tools see it: the model with its status now, without the owner's digest. */
export type SessionSnapshot = Omit<Session, "ownerDigest"> & { readonly status: SessionStatus };

export function snapshotOf(session: Session, status: SessionStatus): SessionSnapshot {
  const { ownerDigest: _owner, ...rest } = session;
  return Object.freeze({ ...rest, status });
}
