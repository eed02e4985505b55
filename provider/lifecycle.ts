import type * as dynamic from "@pulumi/pulumi/dynamic";
import { APIError, type OpenAI } from "openai";
import { chatKitApiError } from "./apiError";
import { boundedRequest, clientFor } from "./client";
import { ApiClock } from "./clock";
import { type ApiEndpoint, endpointDifferences, endpointOf, type RecordedEndpoint, recordedEndpoint } from "./endpoint";
import { ChatKitApiError, MalformedAnswerError, type Operation, UnusableSessionError } from "./errors";
import { checkedInputs } from "./inputs";
import {
  canonicalJson,
  DEFAULTS,
  effectiveRenewBefore,
  REPLACING_KEYS,
  REPLACING_NORMALIZERS,
  type SessionShape,
} from "./normalize";
import { readPlain } from "./plain";
import { isAlreadyGone, parseJson, sessionIdIn } from "./protocol";
import { type RecordedSession, recordedSession } from "./recordedState";
import { kept, redact } from "./redaction";
import { ReplayCheck, ReplayedAnswerError } from "./replay";
import { AttemptsFailed, isRetryable, mayHaveCreated, withRetries } from "./retry";
import type { SessionInputs } from "./schema";
import {
  type ConfigReader,
  type ResolvedSettings,
  readStackSettings,
  resolveSettings,
  SETTING_VARIABLES,
  type StackSettings,
} from "./settings";
import { containsUnknown } from "./unknown";
import { confirmedEnd, readSession, type SessionOutputs, toCreateBody, toOutputs, unusableReason } from "./wire";

export interface LifecycleOptions {
  /** Milliseconds since the epoch; injectable so expiry and renewal are tested without waiting. */
  now?: () => number;
  /** Read at call time, so a key exported after the program started is still found. */
  env?: NodeJS.ProcessEnv;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Where warnings go; the dynamic-provider host forwards stderr to the engine's log. */
  warn?: (message: string) => void;
  /**
   * Every state of this provider records apiEndpoint (true of the provider plugin, which 0.1.0
   * did not have): one without it is unreadable, and a 404 on cancel does not prove it gone.
   */
  endpointAlwaysRecorded?: boolean;
}

type Props = Record<string, unknown>;

/** The settings calls are made with, and the client and endpoint that go with them. */
interface Connection {
  settings: Readonly<ResolvedSettings>;
  client: OpenAI;
  endpoint: Readonly<ApiEndpoint>;
}

/**
 * The outputs, plus the API's clock offset measured at creation (see clock.ts) and where the
 * session lives (see endpoint.ts).
 */
export type RecordedOutputs = SessionOutputs & { apiClockOffset: number; apiEndpoint: ApiEndpoint };

/** zod is slow to load and only check needs it: destroy, refresh and diff never load it. */
const loadSchema = () => require("./schema") as typeof import("./schema");

function withoutProvider(props: Props | undefined): Props {
  const { __provider: _provider, ...rest } = props ?? {};
  return rest;
}

/**
 * The ChatKitSession provider: check, diff, create, read, update and delete. The `__provider`
 * text every session records (SERIALIZED_PROVIDER) loads this module by name, so none of this
 * code is captured into state.
 */
export class SessionProvider implements dynamic.ResourceProvider {
  private stack: Readonly<StackSettings> = {};
  /** Why the last configure failed: every later call fails with it, never falling back to the environment. */
  private configError?: Error;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly warn: (message: string) => void;
  private readonly clock: ApiClock;
  /** Every session id this process has met, in a state or an answer (see replay.ts). */
  private readonly replays = new ReplayCheck();
  /** The last connection, and the stack settings and environment values it was resolved from. */
  private resolved?: { from: readonly unknown[]; connection: Connection };

  constructor(private readonly options: LifecycleOptions = {}) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.warn = options.warn ?? ((message) => process.stderr.write(`warning: ${message}\n`));
    this.clock = new ApiClock(this.now, this.warn);
  }

  async configure(req: { config: ConfigReader }): Promise<void> {
    try {
      this.stack = readStackSettings(req.config);
      this.configError = undefined;
    } catch (error) {
      // The host keeps this provider after a failed configure and goes on calling it: remember
      // the failure, so that no call runs with the environment's key or endpoint instead.
      this.stack = {};
      this.configError = error instanceof Error ? error : new Error(String(error));
      throw this.configError;
    }
  }

  /** Throws the failure of the last configure, if it failed. */
  private assertConfigured(): void {
    if (this.configError) throw new Error(this.configError.message);
  }

  /** Never throws, whatever it is given: what cannot be read or checked is a failure. */
  async check(_olds: Props, news: Props): Promise<dynamic.CheckResult> {
    this.assertConfigured();
    const schema = loadSchema();
    try {
      const read = readPlain(news);
      if (read.unreadable.length > 0) {
        const failures = read.unreadable.map(({ path, reason }) => {
          const property = path.length === 0 ? "the inputs" : schema.formatPath(path);
          return { property, reason: `${property} ${reason}` };
        });
        return { inputs: {}, failures };
      }
      const { failures } = schema.validateInputs(read.value);
      return { inputs: withoutProvider(read.value as Props), failures };
    } catch {
      // A last resort: the copy above is plain data, on which nothing is known to throw.
      return { inputs: {}, failures: [{ property: "the inputs", reason: "the inputs could not be checked" }] };
    }
  }

  async diff(id: string, olds: Props, news: Props): Promise<dynamic.DiffResult> {
    this.assertConfigured();
    this.replays.saw(id);
    const replaces: string[] = REPLACING_KEYS.filter((key) => {
      if (containsUnknown(news[key])) return true;
      try {
        const normalizer = REPLACING_NORMALIZERS[key] as (value: unknown) => unknown;
        return canonicalJson(normalizer(olds[key])) !== canonicalJson(normalizer(news[key]));
      } catch {
        return true;
      }
    });
    const renewBeforeUnknown = containsUnknown(news.renewBefore) || containsUnknown(news.expiresAfter);
    const renewBefore = renewBeforeUnknown ? Number(olds.renewBefore ?? 0) : effectiveRenewBefore(news as SessionShape);
    if (this.needsRenewal(olds, renewBefore)) replaces.push("expiresAt");
    const renewBeforeChanged = renewBeforeUnknown || renewBefore !== olds.renewBefore;
    return { changes: replaces.length > 0 || renewBeforeChanged, replaces, deleteBeforeReplace: false };
  }

  /**
   * Expired, cancelled, within renewBefore of its expiry by the API's clock, or not known to be
   * live (a state without a readable status or expiry): the next up replaces it, and the replace
   * cancels the old one.
   */
  private needsRenewal(olds: Props, renewBefore: number): boolean {
    const recorded = recordedSession(olds);
    if (recorded.status !== "active" || recorded.expiresAt === undefined) return true;
    return recorded.expiresAt - this.clock.apiNow(recorded.apiClockOffset) <= renewBefore;
  }

  async create(inputs: Props): Promise<{ id: string; outs: RecordedOutputs }> {
    this.assertConfigured();
    const checked = checkedInputs(inputs);
    const { settings, client, endpoint } = this.connection();
    const body = toCreateBody(checked);
    const lifetime = checked.expiresAfter?.seconds ?? DEFAULTS.expiresAfterSeconds;
    const startedMs = this.now();
    let sentAtMs = startedMs;
    const answer = await this.call(
      "create",
      settings,
      async (limitMs) => {
        sentAtMs = this.now();
        const { headers, text } = await boundedRequest(
          (options) => client.beta.chatkit.sessions.create(body, options),
          limitMs,
          settings.baseURL,
        );
        const receivedAtMs = this.now();
        const raw = parseJson(text);
        const session = readSession(raw);
        if (!session) throw new MalformedAnswerError("create", sessionIdIn(raw));
        const createdAt = session.expires_at - lifetime;
        const replayed = this.replays.reasonFor({ id: session.id, createdAt, headers, sentAtMs, receivedAtMs });
        if (replayed) throw new ReplayedAnswerError(session.id, replayed);
        const unusable = unusableReason(session);
        if (unusable) throw new UnusableSessionError(session.id, unusable, session.status === "active");
        return session;
      },
      sentText(checked),
    ).catch(async (error: unknown) => {
      // A cancel of a session the create made gets what is left of the budget, so that the
      // whole operation still ends within it (plus the last half second the cancel may take).
      const left = settings.retryBudgetMs - (this.now() - startedMs);
      throw await this.explainFailedCreate(
        error,
        client,
        { ...settings, retryBudgetMs: Math.max(left, 500) },
        lifetime,
      );
    });
    this.replays.saw(answer.id);
    const apiClockOffset = this.clock.learn(answer.expires_at - lifetime, sentAtMs, answer.id);
    return {
      id: answer.id,
      outs: { ...toOutputs(answer, checked), apiClockOffset, apiEndpoint: { ...endpoint } },
    };
  }

  /**
   * Our policy for a create whose outcome is unknown: never retry it, say plainly that a session
   * may exist, and cancel it at once when its id is known.
   */
  private async explainFailedCreate(
    error: unknown,
    client: OpenAI,
    settings: ResolvedSettings,
    lifetime: number,
  ): Promise<unknown> {
    if (!(error instanceof ChatKitApiError) || !mayHaveCreated(error.lastError)) return error;
    const last = error.lastError;
    const answered = last instanceof MalformedAnswerError || last instanceof UnusableSessionError ? last : undefined;
    const knownId = answered?.sessionId;
    if (!knownId) {
      const expiresBy = new Date(this.now() + lifetime * 1000).toISOString();
      const warning = `The create request may have reached the API, so a session may have been created but not recorded. Its id never arrived, so it cannot be cancelled; it expires by ${expiresBy} (at most ${lifetime} s). The create was not retried, so that no second credential is minted; running pulumi up again is safe.`;
      this.warn(warning);
      error.message += `\n${warning}`;
      return error;
    }
    // The id came in the answer: it is cancelled whole but shown within the bound on answer text.
    const shownId = kept(knownId);
    const unusable = answered instanceof UnusableSessionError;
    if (unusable && !answered.live) {
      error.message += `\nSession ${shownId} is not active, so there is nothing to cancel. Running pulumi up again is safe.`;
      return error;
    }
    const cancelled = await this.cancel(knownId, client, settings).then(
      () => true,
      () => false,
    );
    const what = unusable ? "it cannot be used" : "its answer could not be read";
    const outcome = cancelled
      ? "it was cancelled at once"
      : `cancelling it failed; it stays active until it expires, at most ${lifetime} s from now`;
    error.message += `\nThe API did create session ${shownId} but ${what}, so ${outcome}. Running pulumi up again is safe.`;
    if (!cancelled) this.warn(error.message);
    return error;
  }

  /**
   * refresh. The API cannot read a session, so what the state records and the API's clock are all
   * there is to know: a session cancelled elsewhere still looks live. A session is never dropped
   * from the state here, since a live one dropped would never be cancelled: one past its expiry is
   * marked expired instead, and the next up replaces it (the replace sends the cancel).
   */
  async read(id: string, props?: Props): Promise<dynamic.ReadResult> {
    this.assertConfigured();
    this.replays.saw(id);
    const state = withoutProvider(props);
    const recorded = recordedSession(state);
    const refreshed: Props = { ...state };
    if (recorded.expiresAt !== undefined) refreshed.expiresAt = recorded.expiresAt;
    if (
      recorded.status === "active" &&
      recorded.expiresAt !== undefined &&
      recorded.expiresAt <= this.clock.apiNow(recorded.apiClockOffset)
    ) {
      refreshed.status = "expired";
    }
    const unreadable = unreadableLife(recorded);
    if (unreadable) {
      this.warn(
        `The state of ChatKit session ${id} ${unreadable}, so whether it is live is not known. It is kept; the next pulumi up replaces it and cancels it, and pulumi destroy cancels it.`,
      );
    }
    return { id, props: refreshed };
  }

  async update(_id: string, olds: Props, news: Props): Promise<dynamic.UpdateResult> {
    this.assertConfigured();
    // diff sends every other change through a replacement: only renewBefore can arrive here.
    return { outs: { ...withoutProvider(olds), renewBefore: effectiveRenewBefore(news as SessionShape) } };
  }

  /**
   * Always sends the cancel, whatever the state and the clock say: this machine's clock may be
   * off, and a cancel of a session that has already ended counts as done. A "not found" counts
   * only from where the session was created: asked with another key, organization, project or
   * endpoint, the API says "not found" of a session that is live.
   */
  async delete(id: string, props: Props): Promise<void> {
    this.replays.saw(id);
    const state = withoutProvider(props);
    const { settings, client, endpoint } = this.connection();
    const recorded: RecordedEndpoint =
      state.apiEndpoint === undefined && this.options.endpointAlwaysRecorded
        ? { kind: "unreadable", problem: "it is missing" }
        : recordedEndpoint(state.apiEndpoint);
    const differences = recorded.kind === "recorded" ? endpointDifferences(recorded.endpoint, endpoint) : [];
    // Only a state written by 0.1.0, which records no endpoint, keeps its rule that a 404 is done.
    const notFoundProvesGone = recorded.kind === "absent" || (recorded.kind === "recorded" && differences.length === 0);
    try {
      await this.cancel(
        id,
        client,
        settings,
        typeof state.clientSecret === "string" ? [state.clientSecret] : [],
        notFoundProvesGone,
      );
    } catch (error) {
      if (!(error instanceof NotFoundElsewhere)) throw error;
      const expired = `if the session has certainly expired (its expiresAt, ${kept(String(state.expiresAt))}, is the API's time, unix seconds), remove it from the state with pulumi state delete <urn>`;
      const message =
        recorded.kind === "unreadable"
          ? `ChatKit session ${id} was not cancelled: the API answered that it is not found, but the state's record of where the session was created (apiEndpoint) cannot be read: ${recorded.problem}. A session is visible only to the key, organization, project and endpoint that created it, so without that record the 404 does not prove that it is gone, and it stays in the state. Write the record back as { baseUrl, organization, project, keyFingerprint } of where it was created (pulumi stack export, edit, pulumi stack import; https://github.com/pulumi-chatkit/pulumi-chatkit/blob/main/docs/_index.md#destroy) and run the command again; or, if the current configuration is certainly the one it was created with, remove apiEndpoint from the state the same way, so that a 404 counts as done as for a state written by 0.1.0; or, ${expired}.`
          : `ChatKit session ${id} was not cancelled: the API answered that it is not found, but the cancel was not sent where the session was created (${differences.join("; ")}). A session is visible only to the key, organization, project and endpoint that created it, so the 404 does not prove that it is gone, and it stays in the state. Restore the configuration used at pulumi up (https://github.com/pulumi-chatkit/pulumi-chatkit/blob/main/docs/installation-configuration.md#config-lives-in-state) and run the command again; or, ${expired}.`;
      throw new Error(redact(message, [settings.apiKey]));
    }
  }

  /**
   * Cancels a session. Resolves only when the API confirms it: an answer saying the session is
   * cancelled or expired, or an error saying this session does not exist or has already ended.
   */
  private async cancel(
    id: string,
    client: OpenAI,
    settings: ResolvedSettings,
    secrets: readonly string[] = [],
    notFoundProvesGone = true,
  ): Promise<void> {
    try {
      await this.call(
        "cancel",
        settings,
        async (limitMs) => {
          const { text } = await boundedRequest(
            (options) => client.beta.chatkit.sessions.cancel(id, options),
            limitMs,
            settings.baseURL,
          );
          if (!confirmedEnd(parseJson(text), id)) throw new MalformedAnswerError("cancel", id);
        },
        secrets,
      );
    } catch (error) {
      const last = error instanceof ChatKitApiError ? error.lastError : undefined;
      if (last instanceof APIError && isAlreadyGone(last, id)) {
        if (last.status === 404 && !notFoundProvesGone) throw new NotFoundElsewhere();
        return;
      }
      throw error;
    }
  }

  /**
   * The settings for one operation, with their client and endpoint. The environment is read on
   * every call, so a key exported after the program started is still found; checking the same
   * values again on every create would cost as much as the rest of the provider's own work, so
   * the last connection is kept while the stack settings (the same object) and those variables
   * are unchanged.
   */
  private connection(): Connection {
    this.assertConfigured();
    const env = this.options.env ?? process.env;
    const from = [this.stack, ...SETTING_VARIABLES.map((name) => env[name])];
    const last = this.resolved;
    if (last && from.every((value, i) => value === last.from[i])) return last.connection;
    const settings = resolveSettings(this.stack, env);
    const connection = { settings, client: clientFor(settings), endpoint: Object.freeze(endpointOf(settings)) };
    this.resolved = { from, connection };
    return connection;
  }

  private async call<T>(
    operation: Operation,
    settings: ResolvedSettings,
    attempt: (limitMs: number) => Promise<T>,
    secrets: readonly string[] = [],
  ): Promise<T> {
    try {
      return await withRetries(
        attempt,
        (error) => isRetryable(operation, error),
        {
          maxRetries: settings.maxRetries,
          budgetMs: settings.retryBudgetMs,
          attemptTimeoutMs: settings.timeoutMs,
        },
        { sleep: this.sleep, random: this.random, now: this.now },
      );
    } catch (error) {
      if (error instanceof AttemptsFailed) throw chatKitApiError(operation, error, settings, this.now(), secrets);
      throw new Error(redact(kept(String(error)), [settings.apiKey, ...secrets]));
    }
  }
}

/** What a state leaves unreadable about its session's life, or undefined when it records both status and expiry. */
function unreadableLife(recorded: RecordedSession): string | undefined {
  if (recorded.status === undefined) return "records no status that can be read";
  if (recorded.expiresAt !== undefined) return undefined;
  if (recorded.expiresAtProblem) return `records its expiresAt as ${recorded.expiresAtProblem}`;
  return "records no expiry that can be read";
}

/** A "not found" from somewhere other than where the session was created (see delete). */
class NotFoundElsewhere extends Error {}

/**
 * The text values a create sends, which the API's error texts may repeat (a 404 quotes the
 * workflow id). Pulumi does not tell a dynamic provider which inputs are secret, so none of them
 * is repeated in an error: all are redacted.
 */
function sentText(inputs: SessionInputs): string[] {
  const { user, workflow } = inputs;
  const variables = Object.values(workflow.stateVariables ?? {}).filter((value) => typeof value === "string");
  return [user, workflow.id, workflow.version ?? "", ...variables];
}

/** The name SessionProvider had in 0.1.0, kept for programs that import it. */
export const SessionLifecycle = SessionProvider;
export type SessionLifecycle = SessionProvider;
