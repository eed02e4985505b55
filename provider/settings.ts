import { redact } from "./redaction";

/**
 * Where the provider finds its credentials and endpoint. Stack config (read in configure(), after
 * the provider is rebuilt from state, so nothing here is ever serialized) wins over the
 * environment, which is read at call time.
 */
export interface ConfigReader {
  get(key: string): string | undefined;
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

/** Sane ranges: anything outside cannot work, or cannot be meant. */
export const SETTING_LIMITS = {
  /** An attempt longer than an hour is a hang; timers cannot wait past 24.8 days at all. */
  maxTimeoutSeconds: 3600,
  maxRetries: 100,
  maxRetryBudgetSeconds: 3600,
} as const;

function numberSetting(
  key: string,
  text: string | undefined,
  rule: { min: number; minIncluded: boolean; max: number; integer?: boolean; unit: string },
): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  const kind = rule.integer ? "whole number" : "number";
  const range = `${rule.minIncluded ? "from" : "above"} ${rule.min} to ${rule.max}`;
  if (
    // Plain decimals only: Number() also reads "0x10" as 16, "0b11" as 3 and "1e3" as 1000, forms
    // nobody types for a number of seconds on purpose.
    !/^\d+(\.\d+)?$/.test(text.trim()) ||
    !Number.isFinite(value) ||
    (rule.integer && !Number.isInteger(value)) ||
    value < rule.min ||
    (!rule.minIncluded && value === rule.min) ||
    value > rule.max
  ) {
    // A value this long is no typo of a number but something pasted into the wrong setting,
    // perhaps a secret: it is described, not shown.
    const given = text.length < 10 ? JSON.stringify(text) : `a string of ${text.length} characters (not shown here)`;
    throw new Error(`Stack config ${key} must be a ${kind} ${range} (${rule.unit}), got ${given}`);
  }
  return value;
}

/** Characters that cannot be part of a key or an id sent in a header, described for the message. */
function unusableCharacter(value: string): string | undefined {
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (char === "\n" || char === "\r") return "a line break";
    if (/[\u200B-\u200F\u2060-\u2064\uFEFF\u00AD]/u.test(char))
      return `a zero-width or invisible character (U+${code.toString(16).toUpperCase().padStart(4, "0")})`;
    if (/\s/u.test(char)) return "whitespace";
    if (code < 0x20 || code === 0x7f) return "a control character";
    if (code > 0x7e)
      return `a character outside printable ASCII (U+${code.toString(16).toUpperCase().padStart(4, "0")})`;
  }
  return undefined;
}

/**
 * Refuses a value that would be sent in a header but cannot be (the key is never shown, only
 * what is wrong with it and where it came from: a copy-paste often brings a newline or a
 * zero-width space).
 */
export function checkHeaderValue(setting: string, source: string, value: string | undefined): void {
  if (value === undefined) return;
  const problem = unusableCharacter(value);
  if (problem) {
    throw new Error(
      `${setting} (from ${source}) holds ${problem}, which cannot be sent in an HTTP header; set it again without it (the value is not shown here).`,
    );
  }
}

function checkBaseUrl(from: string, value: string | undefined): void {
  if (value === undefined) return;
  const source = from.charAt(0).toUpperCase() + from.slice(1);
  // The value is never shown: it may have been set with --secret (a proxy's token in its path),
  // which the provider cannot tell.
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {}
  if (url?.protocol !== "http:" && url?.protocol !== "https:") {
    throw new Error(
      `${source} must be an http or https URL such as https://api.openai.com/v1 (the value is not shown here).`,
    );
  }
  // Any "?" or "#" in the text: URL parsing drops an empty query or fragment ("…/v1?") silently.
  if (/[?#]/.test(value)) {
    // The SDK appends each route to the base URL as text, so a query or fragment would swallow the
    // route; and a credential some proxies take in the query would be recorded in state.
    throw new Error(
      `${source} must not hold a query (?…) or fragment (#…): the client appends each route, such as /chatkit/sessions, to it (the value is not shown here).`,
    );
  }
  if (url.username !== "" || url.password !== "") {
    // Credentials in the URL would be recorded in state and shown in every message naming the
    // endpoint; the API takes the key from chatkit:apiKey or OPENAI_API_KEY.
    throw new Error(
      `${source} must not hold a user name or password (scheme://user:password@host): give the key in chatkit:apiKey or OPENAI_API_KEY, and the URL without credentials (the value is not shown here).`,
    );
  }
}

/** A setting's text, as given. */
const asText = (_key: string, text: string | undefined) => text;

/** A value sent in a header, checked under the name messages give it. */
const headerValue = (setting: string) => (source: string, value: string | undefined) =>
  checkHeaderValue(setting, source, value);

/**
 * Every chatkit:* setting, declared once: its type in the package schema (packageSchema.ts), the
 * environment variable it falls back to, how its stack config text is read (`key` is the full config key), the check its value must pass wherever
 * it came from, its default and what it is. The type, the names, the reader and the environment
 * list below are derived from it. In this order the values are checked.
 */
export const SETTINGS = {
  apiKey: {
    type: "string",
    variable: "OPENAI_API_KEY",
    parse: asText,
    check: headerValue("The API key"),
    doc: "The OpenAI API key; set it with --secret.",
  },
  organization: {
    type: "string",
    variable: "OPENAI_ORG_ID",
    parse: asText,
    check: headerValue("The organization"),
    doc: "The organization requests are made for; the key's default when unset.",
  },
  project: {
    type: "string",
    variable: "OPENAI_PROJECT_ID",
    parse: asText,
    check: headerValue("The project"),
    doc: "The project requests are made for; the key's default when unset.",
  },
  baseUrl: {
    type: "string",
    variable: "OPENAI_BASE_URL",
    parse: asText,
    check: checkBaseUrl,
    default: "https://api.openai.com/v1",
    doc: "The address the API answers on, ending with /v1.",
  },
  timeoutSeconds: {
    type: "number",
    parse: (key: string, text: string | undefined) =>
      numberSetting(key, text, {
        min: 0,
        minIncluded: false,
        max: SETTING_LIMITS.maxTimeoutSeconds,
        unit: "seconds per attempt",
      }),
    default: 30,
    doc: "Seconds one attempt may take, answer included: a session create answers in well under a second, and the SDK's 10 minutes are for completions.",
  },
  maxRetries: {
    type: "integer",
    parse: (key: string, text: string | undefined) =>
      numberSetting(key, text, {
        min: 0,
        minIncluded: true,
        max: SETTING_LIMITS.maxRetries,
        integer: true,
        unit: "retries after the first attempt",
      }),
    default: 4,
    doc: "Retries after the first attempt.",
  },
  retryBudgetSeconds: {
    type: "number",
    parse: (key: string, text: string | undefined) =>
      numberSetting(key, text, {
        min: 0,
        minIncluded: false,
        max: SETTING_LIMITS.maxRetryBudgetSeconds,
        unit: "seconds for all attempts and waits of one operation",
      }),
    default: 90,
    doc: "Seconds within which all attempts of one operation, waits included, end.",
  },
} as const;

export type SettingName = keyof typeof SETTINGS;

/** The stack config's settings, as read by configure. */
export type StackSettings = {
  -readonly [Name in SettingName]?: Exclude<ReturnType<(typeof SETTINGS)[Name]["parse"]>, undefined>;
};

const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

/** The settings that fall back to an environment variable (and are checked wherever they came from). */
type FromEnvironment = {
  [Name in SettingName]: (typeof SETTINGS)[Name] extends { variable: string } ? Name : never;
}[SettingName];

/** Those settings, each with its variable. */
const FROM_ENVIRONMENT = SETTING_NAMES.flatMap((name) => {
  const setting = SETTINGS[name];
  return "variable" in setting ? [{ name: name as FromEnvironment, variable: setting.variable }] : [];
});

/** The environment variables the settings are resolved from. */
export const SETTING_VARIABLES = FROM_ENVIRONMENT.map(({ variable }) => variable);

/** The defaults, under the names ResolvedSettings gives them. */
export const SETTING_DEFAULTS = {
  baseURL: SETTINGS.baseUrl.default,
  timeoutSeconds: SETTINGS.timeoutSeconds.default,
  maxRetries: SETTINGS.maxRetries.default,
  retryBudgetSeconds: SETTINGS.retryBudgetSeconds.default,
} as const;

/** Where a value came from, as messages name it. */
const fromStack = (name: SettingName) => `stack config chatkit:${name}`;
const fromEnvironment = (variable: string) => `environment variable ${variable}`;

/**
 * Every settings error is shown with anything shaped like a key, and the keys given, redacted: a
 * key pasted into the wrong setting must not be printed by the message that refuses it.
 */
function redacted<T>(keys: ReadonlyArray<string | undefined>, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof Error)
      error.message = redact(
        error.message,
        keys.filter((key) => key !== undefined),
      );
    throw error;
  }
}

/** Names people write for a setting, squashed (lower case, no - or _). */
const ALIASES: Record<string, SettingName> = {
  key: "apiKey",
  openaiapikey: "apiKey",
  url: "baseUrl",
  org: "organization",
  orgid: "organization",
  organizationid: "organization",
  projectid: "project",
  timeout: "timeoutSeconds",
  retries: "maxRetries",
  retrybudget: "retryBudgetSeconds",
};
const squash = (name: string) => name.toLowerCase().replace(/[-_]/g, "");

/**
 * A chatkit:* key that is a misspelling of a setting (chatkit:apikey, chatkit:timeout) would be
 * ignored, and the provider would silently use the environment's key or defaults instead. The
 * host's config reader exposes every key it holds; keys unlike any setting are left alone (a
 * project named chatkit may have its own).
 */
function checkMisspelledKeys(config: ConfigReader): void {
  const raw = (config as { rawConfig?: unknown }).rawConfig;
  if (raw === null || typeof raw !== "object") return;
  for (const key of Object.keys(raw)) {
    if (!key.startsWith("chatkit:")) continue;
    const name = key.slice("chatkit:".length);
    if ((SETTING_NAMES as readonly string[]).includes(name)) continue;
    const meant =
      SETTING_NAMES.find((setting) => squash(setting) === squash(name)) ??
      (Object.hasOwn(ALIASES, squash(name)) ? ALIASES[squash(name)] : undefined);
    if (meant) {
      throw new Error(
        `Stack config ${key} is not a setting of this provider: did you mean chatkit:${meant}? (Names are case-sensitive; under the wrong name the value would be ignored and the environment used instead.)`,
      );
    }
  }
}

/** Frozen: the provider keeps what it resolves from them while they are the same object. */
export function readStackSettings(config: ConfigReader): Readonly<StackSettings> {
  return Object.freeze(redacted([config.get("chatkit:apiKey")], () => readStackSettingsAsGiven(config)));
}

function readStackSettingsAsGiven(config: ConfigReader): StackSettings {
  checkMisspelledKeys(config);
  const text = (name: SettingName) => {
    const value = config.get(`chatkit:${name}`);
    return value === "" ? undefined : value;
  };
  const settings: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) settings[name] = SETTINGS[name].parse(`chatkit:${name}`, text(name));
  for (const { name } of FROM_ENVIRONMENT) SETTINGS[name].check(fromStack(name), settings[name] as string | undefined);
  return settings as StackSettings;
}

export class MissingApiKeyError extends Error {
  constructor() {
    super(
      "No OpenAI API key: set the secret stack config chatkit:apiKey (pulumi config set --secret chatkit:apiKey ...) or the environment variable OPENAI_API_KEY.",
    );
    this.name = "MissingApiKeyError";
  }
}

/** The settings for one operation, from the stack settings and, where they say nothing, the environment. */
export function resolveSettings(stack: StackSettings, env: NodeJS.ProcessEnv): Readonly<ResolvedSettings> {
  return Object.freeze(redacted([stack.apiKey, env.OPENAI_API_KEY], () => resolveSettingsAsGiven(stack, env)));
}

function resolveSettingsAsGiven(stack: StackSettings, env: NodeJS.ProcessEnv): ResolvedSettings {
  const envText = (name: string) => (env[name] === "" ? undefined : env[name]);
  const given = (name: FromEnvironment) => stack[name] ?? envText(SETTINGS[name].variable);
  const apiKey = given("apiKey");
  if (!apiKey) throw new MissingApiKeyError();
  // The environment is read at call time, so its values are checked here, naming the variable.
  for (const { name, variable } of FROM_ENVIRONMENT) {
    if (!stack[name]) SETTINGS[name].check(fromEnvironment(variable), envText(variable));
  }
  return {
    apiKey,
    apiKeySource: stack.apiKey ? fromStack("apiKey") : fromEnvironment(SETTINGS.apiKey.variable),
    baseURL: given("baseUrl") ?? SETTINGS.baseUrl.default,
    organization: given("organization"),
    project: given("project"),
    timeoutMs: (stack.timeoutSeconds ?? SETTINGS.timeoutSeconds.default) * 1000,
    maxRetries: Math.floor(stack.maxRetries ?? SETTINGS.maxRetries.default),
    retryBudgetMs: (stack.retryBudgetSeconds ?? SETTINGS.retryBudgetSeconds.default) * 1000,
  };
}
