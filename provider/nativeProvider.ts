import type * as provider from "@pulumi/pulumi/provider";
import { type LifecycleOptions, SessionProvider } from "./lifecycle";
import { packageSchema } from "./packageSchema";
import { holdsSecret, keysHoldingSecrets, markKeys, reveal } from "./secretMarks";
import type { ConfigReader } from "./settings";

type Props = Record<string, unknown>;

/** Outputs computed from expiresAfter, not stored at its key: secret when it is (as in sdk/derivedSecrets.ts). */
const DERIVED_FROM_EXPIRES_AFTER = ["expiresAt", "renewBefore"];

/** The settings apiEndpoint records as they are (the API key only by fingerprint). */
const RECORDED_IN_API_ENDPOINT = ["baseUrl", "organization", "project"];

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

  constructor(options: { version: string; lifecycle?: LifecycleOptions }) {
    this.version = options.version;
    this.sessions = new SessionProvider(options.lifecycle);
  }

  async getSchema(): Promise<string> {
    return JSON.stringify(packageSchema(this.version));
  }

  /**
   * The provider's settings: the explicit provider resource's inputs, or for the default provider
   * the stack's chatkit:* config, which the engine sends the same way (prefix stripped).
   */
  async configure(args: Props): Promise<void> {
    this.endpointSecret = RECORDED_IN_API_ENDPOINT.some((key) => holdsSecret(args[key]));
    const plain = reveal(args) as Props;
    const text = (value: unknown) =>
      value === undefined || value === null ? undefined : typeof value === "string" ? value : JSON.stringify(value);
    const config: ConfigReader & { rawConfig: Record<string, string | undefined> } = {
      get: (key) => (key.startsWith("chatkit:") ? text(plain[key.slice("chatkit:".length)]) : undefined),
      rawConfig: Object.fromEntries(Object.entries(plain).map(([key, value]) => [`chatkit:${key}`, text(value)])),
    };
    await this.sessions.configure({ config });
  }

  /** The inputs go back as they came, secret marks kept: the lifecycle only judges them. */
  async check(_urn: string, olds: Props, news: Props): Promise<provider.CheckResult> {
    const { failures } = await this.sessions.check(reveal(olds), reveal(news));
    return failures?.length ? { inputs: news, failures } : { inputs: news };
  }

  diff(id: string, _urn: string, olds: Props, news: Props): Promise<provider.DiffResult> {
    return this.sessions.diff(id, reveal(olds), reveal(news));
  }

  async create(_urn: string, inputs: Props): Promise<provider.CreateResult> {
    const { id, outs } = await this.sessions.create(reveal(inputs));
    return { id, outs: this.marked(outs, inputs) };
  }

  async read(id: string, _urn: string, props?: Props): Promise<provider.ReadResult> {
    if (!props || Object.keys(props).length === 0) throw new Error(IMPORT_REFUSED);
    const result = await this.sessions.read(id, reveal(props));
    return { id: result.id ?? id, props: this.marked(result.props ?? {}, props) };
  }

  async update(id: string, _urn: string, olds: Props, news: Props): Promise<provider.UpdateResult> {
    const { outs } = await this.sessions.update(id, reveal(olds), reveal(news));
    return { outs: this.marked(outs ?? {}, olds, news) };
  }

  delete(id: string, _urn: string, props: Props): Promise<void> {
    return this.sessions.delete(id, reveal(props));
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
