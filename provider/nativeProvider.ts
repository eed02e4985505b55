import type * as provider from "@pulumi/pulumi/provider";
import { RECORDED_IN_API_ENDPOINT } from "./endpoint";
import { type LifecycleOptions, SessionProvider } from "./lifecycle";
import { DERIVED_FROM_EXPIRES_AFTER } from "./normalize";
import { packageSchema } from "./packageSchema";
import { holdsSecret, keysHoldingSecrets, markKeys, reveal } from "./secretMarks";
import { type ConfigReader, SETTINGS } from "./settings";

type Props = Record<string, unknown>;

/** A provider setting's failure, as CheckConfig reports it. */
interface ConfigFailure {
  property: string;
  reason: string;
}

/** The kind of JSON value a provider input holds, as its messages describe it. */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/**
 * What is wrong with the kinds of the settings given (the values' own rules are configure's): a
 * text setting takes a string, a number setting a number or its text, as stack config gives it.
 */
function configFailures(plain: Props): ConfigFailure[] {
  return Object.entries(SETTINGS).flatMap(([name, setting]): ConfigFailure[] => {
    const value = plain[name];
    if (value === undefined) return [];
    const fits =
      setting.type === "string" ? typeof value === "string" : typeof value === "number" || typeof value === "string";
    if (fits) return [];
    const wanted = setting.type === "string" ? "a string" : "a number";
    return [{ property: name, reason: `${name} must be ${wanted}, got ${kindOf(value)}` }];
  });
}

/** The name of the provider resource a URN names, unless it is a default provider. */
function explicitProviderName(urn: string | undefined): string | undefined {
  const name = urn?.split("::").at(-1);
  return name && !name.startsWith("default") ? name : undefined;
}

const IMPORT_REFUSED =
  "ChatKit sessions cannot be imported: the API has no call that reads a session, so its client secret, expiry and settings cannot be learned from its id. Declare the session and run pulumi up to create one; a session created elsewhere ends by itself at its expiry (at most 10 minutes after it was created).";

/**
 * The `chatkit` provider plugin's provider, for `provider.main` of `@pulumi/pulumi/provider`:
 * the same lifecycle as the dynamic provider (lifecycle.ts), served as `chatkit:index:Session` to
 * programs in every language. The engine hands this provider secret values marked
 * (secretMarks.ts), since the SDK's server tells it that the provider accepts secrets; the
 * lifecycle sees them plain, and each output is marked again where its input was secret, as the
 * engine does for a dynamic provider.
 */
export class NativeSessionProvider implements provider.Provider {
  readonly version: string;
  private readonly sessions: SessionProvider;
  /** Whether a setting apiEndpoint records was given as a secret; true until configure says otherwise. */
  private endpointSecret = true;
  /** The provider resource's name, when it is an explicit one (its settings are its inputs). */
  private explicitName?: string;

  constructor(options: { version: string; lifecycle?: LifecycleOptions }) {
    this.version = options.version;
    this.sessions = new SessionProvider({ ...options.lifecycle, endpointAlwaysRecorded: true });
  }

  async getSchema(): Promise<string> {
    return JSON.stringify(packageSchema(this.version));
  }

  /**
   * CheckConfig: the provider's inputs as the engine records them, the API key marked secret so
   * that it is encrypted in the state even when it was set without --secret.
   */
  checkConfig(news: Props): { inputs: Props; failures: ConfigFailure[] } {
    return { inputs: markKeys(news, ["apiKey"]), failures: configFailures(reveal(news)) };
  }

  /**
   * The provider's settings: an explicit provider resource's inputs (what it is not given comes
   * from the environment, not from the stack's config, as with every Pulumi provider), or for a
   * default provider the stack's chatkit:* config, which the engine sends the same way (prefix
   * stripped). `urn` names the provider resource.
   */
  async configure(args: Props, urn?: string): Promise<void> {
    this.explicitName = explicitProviderName(urn);
    this.endpointSecret = RECORDED_IN_API_ENDPOINT.some((key) => holdsSecret(args[key]));
    const plain = reveal(args) as Props;
    const [failure] = configFailures(plain);
    if (failure) throw new Error(this.reworded(failure.reason));
    if (this.explicitName && plain.apiKey === "") {
      throw new Error(
        `apiKey of the provider resource ${this.explicitName} is empty: give it the key (as a secret), or leave it out to use OPENAI_API_KEY.`,
      );
    }
    const text = (value: unknown) =>
      value === undefined || value === null ? undefined : typeof value === "string" ? value : String(value);
    const config: ConfigReader & { rawConfig: Record<string, string | undefined> } = {
      get: (key) => (key.startsWith("chatkit:") ? text(plain[key.slice("chatkit:".length)]) : undefined),
      rawConfig: Object.fromEntries(Object.entries(plain).map(([key, value]) => [`chatkit:${key}`, text(value)])),
    };
    await this.explained(this.sessions.configure({ config }));
  }

  /**
   * Settings messages name the stack config; for an explicit provider the settings are the
   * provider resource's inputs, so its messages name those.
   */
  private reworded(message: string): string {
    const name = this.explicitName;
    if (!name) return message;
    if (message.startsWith("No OpenAI API key:")) {
      return `No OpenAI API key: the provider resource ${name} has no apiKey input and the environment variable OPENAI_API_KEY is not set; give the provider resource its key (as a secret).`;
    }
    return message
      .replace(/\b[Ss]tack config chatkit:(\w+)/g, `input $1 of the provider resource ${name}`)
      .replace(/\bchatkit:(\w+)/g, "$1");
  }

  /** The call's failure, reworded for an explicit provider. */
  private async explained<T>(call: Promise<T>): Promise<T> {
    try {
      return await call;
    } catch (error) {
      if (error instanceof Error) error.message = this.reworded(error.message);
      throw error;
    }
  }

  /** The inputs go back as they came, secret marks kept: the lifecycle only judges them. */
  async check(_urn: string, olds: Props, news: Props): Promise<provider.CheckResult> {
    const { failures } = await this.sessions.check(reveal(olds), reveal(news));
    return failures?.length ? { inputs: news, failures } : { inputs: news };
  }

  diff(id: string, _urn: string, olds: Props, news: Props): Promise<provider.DiffResult> {
    return this.explained(this.sessions.diff(id, reveal(olds), reveal(news)));
  }

  async create(_urn: string, inputs: Props): Promise<provider.CreateResult> {
    const { id, outs } = await this.explained(this.sessions.create(reveal(inputs)));
    return { id, outs: this.marked(outs, inputs) };
  }

  async read(id: string, _urn: string, props?: Props): Promise<provider.ReadResult> {
    if (!props || Object.keys(props).length === 0) throw new Error(IMPORT_REFUSED);
    const result = await this.explained(this.sessions.read(id, reveal(props)));
    // The lifecycle's read keeps the id it is given: the API has no call that could tell another.
    return { id, props: this.marked(result.props ?? {}, props) };
  }

  async update(id: string, _urn: string, olds: Props, news: Props): Promise<provider.UpdateResult> {
    const { outs } = await this.explained(this.sessions.update(id, reveal(olds), reveal(news)));
    return { outs: this.marked(outs ?? {}, olds, news) };
  }

  delete(id: string, _urn: string, props: Props): Promise<void> {
    return this.explained(this.sessions.delete(id, reveal(props)));
  }

  /** The outputs, marked secret where the given inputs or state were, and the client secret always. */
  private marked(outs: Props, ...sources: Props[]): Props {
    const secret = new Set(["clientSecret", ...sources.flatMap(keysHoldingSecrets)]);
    if (sources.some((source) => holdsSecret(source.expiresAfter))) {
      for (const key of DERIVED_FROM_EXPIRES_AFTER) secret.add(key);
    }
    if (this.endpointSecret) secret.add("apiEndpoint");
    return markKeys(outs, secret);
  }
}
