/**
 * Where the provider finds its credentials and endpoint. Stack config (read in configure(), after
 * the provider is rebuilt from state, so nothing here is ever serialized) wins over the
 * environment, which is read at call time.
 */
export interface ConfigReader {
  get(key: string): string | undefined;
}

export interface StackSettings {
  apiKey?: string;
  baseUrl?: string;
  organization?: string;
  project?: string;
  timeoutSeconds?: number;
  maxRetries?: number;
  retryBudgetSeconds?: number;
}

export interface ResolvedSettings {
  apiKey: string;
  /** Where the key came from, for error hints (the key itself is never shown). */
  apiKeySource: string;
  baseURL: string;
  organization?: string;
  project?: string;
  timeoutMs: number;
  maxRetries: number;
  retryBudgetMs: number;
}

export const SETTING_DEFAULTS = {
  baseURL: "https://api.openai.com/v1",
  /** Per attempt: a session create answers in well under a second; the SDK's 10 minutes is for completions. */
  timeoutSeconds: 30,
  maxRetries: 4,
  /** All attempts of one operation, waits included, end within this time. */
  retryBudgetSeconds: 90,
} as const;

function positiveNumber(key: string, text: string | undefined, allowZero = false): number | undefined {
  if (text === undefined || text === "") return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new Error(
      `Stack config ${key} must be a ${allowZero ? "non-negative" : "positive"} number, got ${JSON.stringify(text)}`,
    );
  }
  return value;
}

export function readStackSettings(config: ConfigReader): StackSettings {
  const text = (key: string) => {
    const value = config.get(`chatkit:${key}`);
    return value === undefined || value === "" ? undefined : value;
  };
  return {
    apiKey: text("apiKey"),
    baseUrl: text("baseUrl"),
    organization: text("organization"),
    project: text("project"),
    timeoutSeconds: positiveNumber("chatkit:timeoutSeconds", text("timeoutSeconds")),
    maxRetries: positiveNumber("chatkit:maxRetries", text("maxRetries"), true),
    retryBudgetSeconds: positiveNumber("chatkit:retryBudgetSeconds", text("retryBudgetSeconds")),
  };
}

export class MissingApiKeyError extends Error {
  constructor() {
    super(
      "No OpenAI API key: set the secret stack config chatkit:apiKey (pulumi config set --secret chatkit:apiKey ...) or the environment variable OPENAI_API_KEY.",
    );
    this.name = "MissingApiKeyError";
  }
}

export function resolveSettings(stack: StackSettings, env: NodeJS.ProcessEnv): ResolvedSettings {
  const envText = (name: string) => (env[name] === "" ? undefined : env[name]);
  const apiKey = stack.apiKey ?? envText("OPENAI_API_KEY");
  if (!apiKey) throw new MissingApiKeyError();
  return {
    apiKey,
    apiKeySource: stack.apiKey ? "stack config chatkit:apiKey" : "environment variable OPENAI_API_KEY",
    baseURL: stack.baseUrl ?? envText("OPENAI_BASE_URL") ?? SETTING_DEFAULTS.baseURL,
    organization: stack.organization ?? envText("OPENAI_ORG_ID"),
    project: stack.project ?? envText("OPENAI_PROJECT_ID"),
    timeoutMs: (stack.timeoutSeconds ?? SETTING_DEFAULTS.timeoutSeconds) * 1000,
    maxRetries: Math.floor(stack.maxRetries ?? SETTING_DEFAULTS.maxRetries),
    retryBudgetMs: (stack.retryBudgetSeconds ?? SETTING_DEFAULTS.retryBudgetSeconds) * 1000,
  };
}
