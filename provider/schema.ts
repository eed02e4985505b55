import { z } from "zod";
import { DEFAULTS } from "./normalize";
import { kept } from "./redaction";
import { expandShorthands } from "./shorthands";
import { isUnknownAt, valueAt } from "./unknown";

/** Limits of the ChatKit sessions API, as its reference documents them. */
export const LIMITS = {
  maxStateVariables: 64,
  maxStateVariableKeyLength: 64,
  maxStateVariableStringLength: 10 * 1024 * 1024,
  maxFileSizeMb: 512,
  maxExpiresAfterSeconds: 600,
} as const;

const enabledFlag = z.strictObject({ enabled: z.boolean().optional() });

const LONE_SURROGATE =
  "must be valid Unicode text: it holds a lone surrogate (\\uD800-\\uDFFF without its pair), which cannot be sent as UTF-8";

/** Text the API can receive: not empty, and encodable as UTF-8 (no lone surrogates). */
const text = () =>
  z
    .string()
    .min(1)
    .refine((value) => value.isWellFormed(), { message: LONE_SURROGATE });

/**
 * Length as the API counts it: JSON Schema's maxLength counts Unicode code points, where
 * JavaScript's length counts UTF-16 units (an emoji is one code point and two units).
 */
export function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** Whether a string is longer than `limit` code points; counts only when its UTF-16 length could be. */
const longerThan = (text: string, limit: number) => text.length > limit && codePoints(text) > limit;

const UNIT = "characters (Unicode code points, as the API counts)";

/** Values must be primitive: the API refuses objects, arrays and null. */
function checkStateVariables(variables: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const keys = Object.keys(variables);
  if (keys.length > LIMITS.maxStateVariables) {
    ctx.addIssue({
      code: "custom",
      message: `may hold at most ${LIMITS.maxStateVariables} variables, got ${keys.length}`,
    });
  }
  for (const key of keys) {
    const value = variables[key];
    if (key.length === 0 || longerThan(key, LIMITS.maxStateVariableKeyLength)) {
      ctx.addIssue({
        code: "custom",
        path: [key],
        message: `key must be 1 to ${LIMITS.maxStateVariableKeyLength} ${UNIT} long, got ${codePoints(key)}`,
      });
    } else if (!key.isWellFormed()) {
      ctx.addIssue({ code: "custom", path: [key], message: `key ${LONE_SURROGATE}` });
    }
    if (typeof value === "number" && !Number.isFinite(value)) {
      ctx.addIssue({ code: "custom", path: [key], message: `must be a finite number, got ${value}` });
    } else if (typeof value === "string" && longerThan(value, LIMITS.maxStateVariableStringLength)) {
      ctx.addIssue({
        code: "custom",
        path: [key],
        message: `must be at most ${LIMITS.maxStateVariableStringLength} ${UNIT}, got ${codePoints(value)}`,
      });
    } else if (typeof value === "string" && !value.isWellFormed()) {
      ctx.addIssue({ code: "custom", path: [key], message: LONE_SURROGATE });
    } else if (!["string", "number", "boolean"].includes(typeof value)) {
      ctx.addIssue({
        code: "custom",
        path: [key],
        message: `must be a string, number or boolean (state variables are primitive), got ${describeValue(value)}`,
      });
    }
  }
}

const workflowSchema = z.strictObject({
  id: text().describe("The workflow's id (wf_…)."),
  version: text()
    .refine((version) => version.trim().toLowerCase() !== "latest", {
      message:
        'must not be "latest": the API accepts it but the session then fails at chat time; omit version to run the latest deployed version',
    })
    .optional()
    .describe('Omit to run the latest deployed version ("latest" is refused: it fails at chat time).'),
  stateVariables: z
    .record(z.string(), z.unknown())
    .superRefine(checkStateVariables)
    .optional()
    .describe("At most 64 variables, keys up to 64 characters, primitive values (string, number or boolean)."),
  tracing: enabledFlag.optional(),
});

const expiresAfterSchema = z.strictObject({
  anchor: z.literal("created_at").optional(),
  seconds: z.int().min(1).max(LIMITS.maxExpiresAfterSeconds),
});

const chatkitConfigurationSchema = z.strictObject({
  automaticThreadTitling: enabledFlag.optional(),
  fileUpload: z
    .strictObject({
      enabled: z.boolean().optional(),
      maxFileSize: z.int().min(1).max(LIMITS.maxFileSizeMb).optional().describe("Megabytes per file, 1 to 512."),
      maxFiles: z.int().min(1).optional(),
    })
    .optional(),
  history: z.strictObject({ enabled: z.boolean().optional(), recentThreads: z.int().min(1).optional() }).optional(),
});

/**
 * The inputs of a session, declared once: check validates by it, and the package schema of the
 * provider plugin (packageSchema.ts), from which every language's SDK is generated, is derived
 * from it, descriptions included.
 */
export const sessionInputsSchema = z.strictObject({
  user: text().describe("Identifies your end user; the session can reach objects with the same user scope."),
  workflow: workflowSchema.describe("The workflow that powers the session."),
  chatkitConfiguration: chatkitConfigurationSchema
    .optional()
    .describe("ChatKit features for the session; the API resolves what is not given to its defaults."),
  expiresAfter: expiresAfterSchema
    .optional()
    .describe(
      'Lifetime, 1 to 600 seconds from creation (default 600). A bare number is shorthand for { anchor: "created_at", seconds }.',
    ),
  rateLimits: z
    .strictObject({ maxRequestsPer1Minute: z.int().min(1).optional() })
    .optional()
    .describe("Request limits for the session."),
  renewBefore: z
    .int()
    .min(0)
    .optional()
    .describe(
      "Seconds before expiry from which the next up replaces the session (default: a tenth of the lifetime, at most 60).",
    ),
  triggers: z
    .record(
      z.string(),
      z.string().refine((value) => value.isWellFormed(), { message: LONE_SURROGATE }),
    )
    .optional()
    .describe("Any change to these values replaces the session, like keepers."),
});

/**
 * The rules across fields, checked on the raw inputs rather than inside the schema: zod skips an
 * object's refinements once any field of it fails, and during a preview any other input may be
 * unknown, which would hide this rule until up. A rule is checked whenever all of its own inputs
 * are known and valid by themselves (their own rules report them otherwise).
 */
function crossFieldFailures(raw: unknown): CheckFailure[] {
  const renewBefore = valueAt(raw, ["renewBefore"]);
  const expiresAfter = valueAt(raw, ["expiresAfter"]);
  const lifetime =
    expiresAfter === undefined ? DEFAULTS.expiresAfterSeconds : valueAt(raw, ["expiresAfter", "seconds"]);
  const isWhole = (value: unknown, min: number, max: number): value is number =>
    Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
  if (!isWhole(renewBefore, 0, Number.MAX_SAFE_INTEGER) || !isWhole(lifetime, 1, LIMITS.maxExpiresAfterSeconds))
    return [];
  if (renewBefore < lifetime) return [];
  return [
    {
      property: "renewBefore",
      reason: `renewBefore must be less than the session's lifetime (${lifetime} s), or every up would replace the session; got ${renewBefore}`,
    },
  ];
}

/**
 * Maps whose keys the user chooses, with what a lost key would mean. A `__proto__` key never
 * arrives through Pulumi (its serialization drops it; see sdk/lostKeys.ts), so a direct caller
 * holding one is refused the same way, rather than seeing it work here and vanish under Pulumi.
 */
const USER_KEYED_MAPS: Array<[path: string[], lost: string]> = [
  [["triggers"], "the trigger would never be recorded, and changing it would never replace the session"],
  [["workflow", "stateVariables"], "the variable would never be sent to the workflow"],
];

function droppedKeyFailures(raw: unknown): CheckFailure[] {
  return USER_KEYED_MAPS.flatMap(([path, lost]) => {
    const map = valueAt(raw, path);
    if (map === null || typeof map !== "object" || !Object.hasOwn(map, "__proto__")) return [];
    const property = formatPath([...path, "__proto__"]);
    return [
      {
        property,
        reason: `${formatPath(path)} must not have the key "__proto__": Pulumi drops it without a word when it sends the inputs to the provider, so ${lost}; rename the key`,
      },
    ];
  });
}

/** The inputs of a ChatKitSession once checked (expiresAfter always in its object form). */
export type SessionInputs = z.output<typeof sessionInputsSchema>;

export interface CheckFailure {
  property: string;
  reason: string;
}

/** The documented equivalents of fields that only appear in the API page's erroneous example. */
const KNOWN_MISTAKES: Record<string, string> = {
  scope:
    "is not a field of the ChatKit sessions API (it only appears in an erroneous example on the API page); a session is scoped by user and by the project of the API key",
  maxRequestsPerSession:
    "is not a field of the ChatKit sessions API; the documented limit is per minute: rateLimits.maxRequestsPer1Minute",
  maxRequestsPer1Minute: "belongs under rateLimits: use rateLimits.maxRequestsPer1Minute",
};

/** Formats a path as users write it: workflow.stateVariables.tier, or ["a key"] where needed (a long key cut short). */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => {
      const text = kept(String(key));
      if (/^[A-Za-z_$][\w$]*$/.test(text)) return index === 0 ? text : `.${text}`;
      return `[${JSON.stringify(text)}]`;
    })
    .join("");
}

/**
 * What a refused value is, without showing it: it may be a secret given in the wrong place (the
 * provider sees secret inputs unwrapped, and the CLI prints check failures as they are).
 */
function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `a string of ${codePoints(value)} characters`;
  if (typeof value === "object") return "an object";
  return value === undefined ? "nothing" : `a ${typeof value}`; // a number, a boolean, a function…
}

/**
 * Where a number is expected, a number or a number in quotes is shown: it is what the user has to
 * fix, and no secret is a count or a number of seconds. Anything else is only described.
 */
function describeNumber(value: unknown): string {
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : `the number ${value}`;
  if (typeof value === "string" && /^\s*-?\d{1,12}(\.\d{1,6})?\s*$/.test(value))
    return `the string ${JSON.stringify(value)}`;
  return describeValue(value);
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

const snakeToCamel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The reason given for a key the schema does not know, with the likely intended key. */
function unknownKeyReason(key: string, path: readonly PropertyKey[], known: readonly string[]): string {
  if (path.length === 0 && Object.hasOwn(KNOWN_MISTAKES, key)) return `${key} ${KNOWN_MISTAKES[key]}`;
  const where = formatPath([...path, key]);
  // The key itself is not known, so if its camelCase form is, the two differ.
  const camel = snakeToCamel(key);
  if (known.includes(camel)) return `${where} is not known: inputs are camelCase, use ${camel}`;
  const lower = key.toLowerCase();
  const closest = known
    .map((candidate) => ({ candidate, distance: levenshtein(lower, candidate.toLowerCase()) }))
    .sort((x, y) => x.distance - y.distance)[0];
  const extended = known.find((candidate) => lower.length >= 4 && candidate.toLowerCase().startsWith(lower));
  const likely = closest && closest.distance <= 3 ? closest.candidate : extended;
  if (likely) return `${where} is not known: did you mean ${likely}?`;
  return `${where} is not known; the properties here are ${known.join(", ")}`;
}

function knownKeysAt(path: readonly PropertyKey[]): string[] {
  let schema: z.ZodType = sessionInputsSchema;
  for (const key of path) {
    schema = unwrap(schema);
    if (!(schema instanceof z.ZodObject)) return [];
    const shape = schema.shape as Record<string, z.ZodType>;
    const next = Object.hasOwn(shape, String(key)) ? shape[String(key)] : undefined;
    if (!next) return [];
    schema = next;
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  return schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
}

function reasonFor(issue: z.core.$ZodIssue, value: unknown, where: string): string {
  switch (issue.code) {
    case "invalid_type":
      if (value === undefined) return `${where} is required`;
      if (issue.expected === "int") return `${where} must be a whole number, got ${describeNumber(value)}`;
      if (issue.expected === "number") {
        const rule = typeof value === "number" ? "a finite number" : "a number";
        return `${where} must be ${rule}, got ${describeNumber(value)}`;
      }
      if (where === "expiresAfter" && typeof value === "string" && /^\s*\d{1,12}(\.\d{1,6})?\s*$/.test(value)) {
        return `${where} must be a number of seconds, got the string ${JSON.stringify(value)}: write it without quotes (expiresAfter: ${value.trim()} is shorthand for { anchor: "created_at", seconds: ${value.trim()} }), or as { seconds: ${value.trim()} }`;
      }
      if (issue.expected === "record")
        return `${where} must be an object (a map of names to values), got ${describeValue(value)}`;
      return `${where} must be ${issue.expected === "object" ? "an object" : `a ${issue.expected}`}, got ${describeValue(value)}`;
    case "too_small":
      if (issue.origin === "string") return `${where} must not be empty`;
      return `${where} must be at least ${issue.minimum}, got ${describeNumber(value)}`;
    case "too_big":
      if (where === "expiresAfter.seconds") {
        return `${where} must be at most ${issue.maximum} (a session never lives longer than 10 minutes), got ${describeNumber(value)}`;
      }
      return `${where} must be at most ${issue.maximum}, got ${describeNumber(value)}`;
    case "invalid_value":
      return `${where} must be ${issue.values.map((v) => JSON.stringify(v)).join(" or ")}, got ${describeValue(value)}`;
    default:
      return `${where} ${issue.message}`;
  }
}

/**
 * Validates raw inputs against the documented limits. Never throws, whatever the JSON; values
 * still unknown during preview pass. Failures name the camelCase path and the rule.
 */
export function validateInputs(given: unknown): { inputs?: SessionInputs; failures: CheckFailure[] } {
  const raw = expandShorthands(given);
  const result = sessionInputsSchema.safeParse(raw);
  const crossField = [...droppedKeyFailures(raw), ...crossFieldFailures(raw)];
  if (result.success) return crossField.length === 0 ? { inputs: result.data, failures: [] } : { failures: crossField };
  const failures: CheckFailure[] = [];
  for (const issue of result.error.issues) {
    const path = issue.path;
    if (issue.code === "unrecognized_keys") {
      const known = knownKeysAt(path);
      for (const key of issue.keys) {
        failures.push({ property: formatPath([...path, key]), reason: unknownKeyReason(key, path, known) });
      }
      continue;
    }
    if (isUnknownAt(raw, path)) continue;
    const where = path.length === 0 ? "the inputs" : formatPath(path);
    failures.push({ property: where, reason: reasonFor(issue, valueAt(raw, path), where) });
  }
  return { failures: [...failures, ...crossField] };
}
