import type * as dynamic from "@pulumi/pulumi/dynamic";
import { APIError } from "openai";
import { clientFor } from "./client";
import { ChatKitApiError, isRetryable, MalformedAnswerError, mayHaveCreated, type Operation, redact } from "./errors";
import { checkedInputs } from "./inputs";
import {
  canonicalJson,
  DEFAULTS,
  effectiveRenewBefore,
  REPLACING_KEYS,
  REPLACING_NORMALIZERS,
  type SessionShape,
} from "./normalize";
import { AttemptsFailed, withRetries } from "./retry";
import {
  type ConfigReader,
  type ResolvedSettings,
  readStackSettings,
  resolveSettings,
  type StackSettings,
} from "./settings";
import { containsUnknown } from "./unknown";
import { readSession, type SessionOutputs, toCreateBody, toOutputs } from "./wire";

export interface LifecycleOptions {
  /** Milliseconds since the epoch; injectable so expiry and renewal are tested without waiting. */
  now?: () => number;
  /** Read at call time, so a key exported after the program started is still found. */
  env?: NodeJS.ProcessEnv;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Where warnings go; the dynamic-provider host forwards stderr to the engine's log. */
  warn?: (message: string) => void;
}

/** A session this far past its expiry is certainly gone, whatever the clocks say. */
const CLOCK_SKEW_SECONDS = 60;

export const IMPORT_REFUSED =
  "ChatKit sessions cannot be imported: the API has no endpoint that reads a session, and a session's client secret is only given once, when it is created. Declare a new ChatKitSession instead; it creates a fresh session.";

type Props = Record<string, unknown>;

/** zod takes about 85 ms to load and only check needs it: destroy, refresh and diff never load it. */
const loadSchema = () => require("./schema") as typeof import("./schema");

function withoutProvider(props: Props | undefined): Props {
  const { __provider: _provider, ...rest } = props ?? {};
  return rest;
}

/**
 * The ChatKitSession lifecycle. The thin ChatKitSessionProvider that Pulumi serializes loads this
 * module by name and delegates every call here, so none of this code is captured into state.
 */
export class SessionLifecycle implements dynamic.ResourceProvider {
  private stack: StackSettings = {};
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly warn: (message: string) => void;

  constructor(private readonly options: LifecycleOptions = {}) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.warn = options.warn ?? ((message) => process.stderr.write(`warning: ${message}\n`));
  }

  async configure(req: { config: ConfigReader }): Promise<void> {
    this.stack = readStackSettings(req.config);
  }

  async check(_olds: Props, news: Props): Promise<dynamic.CheckResult> {
    const { failures } = loadSchema().validateInputs(news);
    return { inputs: withoutProvider(news), failures };
  }

  async diff(_id: string, olds: Props, news: Props): Promise<dynamic.DiffResult> {
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

  /** Expired, cancelled, or within renewBefore of its expiry: the next up replaces it. */
  private needsRenewal(olds: Props, renewBefore: number): boolean {
    if (olds.status !== "active" || typeof olds.expiresAt !== "number") return true;
    return olds.expiresAt - this.now() / 1000 <= renewBefore;
  }

  async create(inputs: Props): Promise<{ id: string; outs: SessionOutputs }> {
    const checked = checkedInputs(inputs);
    const settings = this.settings();
    const client = clientFor(settings);
    const body = toCreateBody(checked);
    const lifetime = checked.expiresAfter?.seconds ?? DEFAULTS.expiresAfterSeconds;
    const answer = await this.call("create", settings, async () => {
      const raw: unknown = await client.beta.chatkit.sessions
        .create(body, { timeout: settings.timeoutMs })
        .catch((error) => {
          // The SDK throws a SyntaxError for a body that is not JSON: the API may still have acted.
          throw error instanceof SyntaxError ? new MalformedAnswerError("create", undefined) : error;
        });
      const session = readSession(raw);
      if (!session) throw new MalformedAnswerError("create", sessionIdIn(raw));
      return session;
    }).catch(async (error: unknown) => {
      throw await this.explainFailedCreate(error, settings, lifetime);
    });
    return { id: answer.id, outs: toOutputs(answer, checked) };
  }

  /**
   * Our policy for a create whose outcome is unknown (see README, "Reliability"): never retry it,
   * say plainly that a session may exist, and cancel it at once when its id is known.
   */
  private async explainFailedCreate(error: unknown, settings: ResolvedSettings, lifetime: number): Promise<unknown> {
    if (!(error instanceof ChatKitApiError) || !mayHaveCreated(error.lastError)) return error;
    const last = error.lastError;
    if (last instanceof MalformedAnswerError && last.sessionId) {
      const cancelled = await this.cancel(last.sessionId, settings).then(
        () => true,
        () => false,
      );
      const outcome = cancelled
        ? "it was cancelled at once"
        : `cancelling it failed; it stays active until it expires, at most ${lifetime} s from now`;
      error.message += `\nThe API did create session ${last.sessionId} but its answer could not be read, so ${outcome}. Running pulumi up again is safe.`;
      if (!cancelled) this.warn(error.message);
      return error;
    }
    const expiresBy = new Date(this.now() + lifetime * 1000).toISOString();
    const warning = `The create request may have reached the API, so a session may have been created but not recorded. Its id never arrived, so it cannot be cancelled; it expires by ${expiresBy} (at most ${lifetime} s). The create was not retried, so that no second credential is minted; running pulumi up again is safe.`;
    this.warn(warning);
    error.message += `\n${warning}`;
    return error;
  }

  async read(id: string, props?: Props): Promise<dynamic.ReadResult> {
    const state = withoutProvider(props);
    if (Object.keys(state).length === 0) throw new Error(IMPORT_REFUSED);
    const expired = typeof state.expiresAt !== "number" || state.expiresAt <= this.now() / 1000;
    // The API cannot read a session: what we recorded and the clock are all there is to know.
    if (state.status !== "active" || expired) return { id: "", props: {} };
    return { id, props: state };
  }

  async update(_id: string, olds: Props, news: Props): Promise<dynamic.UpdateResult> {
    // diff sends every other change through a replacement: only renewBefore can arrive here.
    return { outs: { ...withoutProvider(olds), renewBefore: effectiveRenewBefore(news as SessionShape) } };
  }

  async delete(id: string, props: Props): Promise<void> {
    const state = withoutProvider(props);
    if (state.status === "cancelled") return;
    if (typeof state.expiresAt === "number" && state.expiresAt + CLOCK_SKEW_SECONDS < this.now() / 1000) return;
    const settings = this.settings();
    await this.cancel(id, settings);
  }

  /** Cancels a session; gone, already cancelled and already expired all count as done. */
  private async cancel(id: string, settings: ResolvedSettings): Promise<void> {
    const client = clientFor(settings);
    try {
      await this.call("cancel", settings, () =>
        client.beta.chatkit.sessions.cancel(id, { timeout: settings.timeoutMs }),
      );
    } catch (error) {
      const last = error instanceof ChatKitApiError ? error.lastError : undefined;
      if (last instanceof APIError && isAlreadyGone(last)) return;
      throw error;
    }
  }

  private settings(): ResolvedSettings {
    return resolveSettings(this.stack, this.options.env ?? process.env);
  }

  private async call<T>(operation: Operation, settings: ResolvedSettings, attempt: () => Promise<T>): Promise<T> {
    try {
      return await withRetries(
        attempt,
        (error) => isRetryable(operation, error),
        { maxRetries: settings.maxRetries, budgetMs: settings.retryBudgetMs },
        { sleep: this.sleep, random: this.random, now: this.now },
      );
    } catch (error) {
      if (error instanceof AttemptsFailed) throw new ChatKitApiError(operation, error, settings);
      throw new Error(redact(String(error), [settings.apiKey]));
    }
  }
}

function isAlreadyGone(error: APIError): boolean {
  if (error.status === 404) return true;
  return (error.status === 400 || error.status === 409) && /expired|cancell?ed/i.test(String(error.message));
}

function sessionIdIn(raw: unknown): string | undefined {
  const id = raw && typeof raw === "object" ? (raw as { id?: unknown }).id : undefined;
  return typeof id === "string" && id.length > 0 ? id : undefined;
}
