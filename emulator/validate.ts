import { type ApiErrorBody, invalidParameter } from "./errors";

/**
 * Validation of the create body as the API documents it (openai-openapi, CreateChatSessionBody),
 * written independently of the provider's zod schema so that each checks the other. Errors take
 * the API's shape: one error, with the offending parameter and an OpenAI-style code.
 */

type Rule =
  | { kind: "string"; minLength?: number; maxLength?: number }
  | { kind: "integer"; minimum?: number; maximum?: number }
  | { kind: "boolean" }
  | { kind: "enum"; values: string[] }
  | { kind: "object"; properties: Record<string, Rule>; required?: string[] }
  | { kind: "map"; maxProperties: number; maxKeyLength: number; values: Rule[] }
  | { kind: "number" };

const flag: Rule = { kind: "object", properties: { enabled: { kind: "boolean" } } };

const CREATE_BODY: Rule = {
  kind: "object",
  required: ["workflow", "user"],
  properties: {
    user: { kind: "string", minLength: 1 },
    workflow: {
      kind: "object",
      required: ["id"],
      properties: {
        id: { kind: "string" },
        version: { kind: "string" },
        state_variables: {
          kind: "map",
          maxProperties: 64,
          maxKeyLength: 64,
          values: [{ kind: "string", maxLength: 10485760 }, { kind: "number" }, { kind: "boolean" }],
        },
        tracing: flag,
      },
    },
    expires_after: {
      kind: "object",
      required: ["anchor", "seconds"],
      properties: {
        anchor: { kind: "enum", values: ["created_at"] },
        seconds: { kind: "integer", minimum: 1, maximum: 600 },
      },
    },
    rate_limits: {
      kind: "object",
      properties: { max_requests_per_1_minute: { kind: "integer", minimum: 1 } },
    },
    chatkit_configuration: {
      kind: "object",
      properties: {
        automatic_thread_titling: flag,
        file_upload: {
          kind: "object",
          properties: {
            enabled: { kind: "boolean" },
            max_file_size: { kind: "integer", minimum: 1, maximum: 512 },
            max_files: { kind: "integer", minimum: 1 },
          },
        },
        history: {
          kind: "object",
          properties: { enabled: { kind: "boolean" }, recent_threads: { kind: "integer", minimum: 1 } },
        },
      },
    },
  },
};

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") return Number.isInteger(value) ? "an integer" : "a decimal number";
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

function matches(rule: Rule, value: unknown, param: string): ApiErrorBody | undefined {
  switch (rule.kind) {
    case "string":
      if (typeof value !== "string") {
        return invalidParameter(
          `Invalid type for '${param}': expected a string, but got ${typeName(value)} instead.`,
          param,
          "invalid_type",
        );
      }
      if (rule.minLength !== undefined && value.length < rule.minLength) {
        return invalidParameter(
          `Invalid '${param}': empty string. Expected a string with minimum length ${rule.minLength}, but got an empty string instead.`,
          param,
          "empty_string",
        );
      }
      if (rule.maxLength !== undefined && value.length > rule.maxLength) {
        return invalidParameter(
          `Invalid '${param}': string too long. Expected a string with maximum length ${rule.maxLength}, but got a string with length ${value.length} instead.`,
          param,
          "string_above_max_length",
        );
      }
      return undefined;
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value)) {
        return invalidParameter(
          `Invalid type for '${param}': expected an integer, but got ${typeName(value)} instead.`,
          param,
          "invalid_type",
        );
      }
      if (rule.minimum !== undefined && value < rule.minimum) {
        return invalidParameter(
          `Invalid '${param}': integer below minimum value. Expected a value greater than or equal to ${rule.minimum}, but got ${value} instead.`,
          param,
          "integer_below_min_value",
        );
      }
      if (rule.maximum !== undefined && value > rule.maximum) {
        return invalidParameter(
          `Invalid '${param}': integer above maximum value. Expected a value less than or equal to ${rule.maximum}, but got ${value} instead.`,
          param,
          "integer_above_max_value",
        );
      }
      return undefined;
    case "number":
      return typeof value === "number" && Number.isFinite(value)
        ? undefined
        : invalidParameter(
            `Invalid type for '${param}': expected a number, but got ${typeName(value)} instead.`,
            param,
            "invalid_type",
          );
    case "boolean":
      return typeof value === "boolean"
        ? undefined
        : invalidParameter(
            `Invalid type for '${param}': expected a boolean, but got ${typeName(value)} instead.`,
            param,
            "invalid_type",
          );
    case "enum":
      return typeof value === "string" && rule.values.includes(value)
        ? undefined
        : invalidParameter(
            `Invalid value: ${JSON.stringify(value)}. Supported values are: ${rule.values.map((v) => `'${v}'`).join(", ")}.`,
            param,
            "invalid_value",
          );
    case "object":
      return matchesObject(rule, value, param);
    case "map":
      return matchesMap(rule, value, param);
  }
}

function matchesObject(
  rule: Extract<Rule, { kind: "object" }>,
  value: unknown,
  param: string,
): ApiErrorBody | undefined {
  const where = param || "body";
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return invalidParameter(
      `Invalid type for '${where}': expected an object, but got ${typeName(value)} instead.`,
      where,
      "invalid_type",
    );
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!Object.hasOwn(rule.properties, key)) {
      const name = param ? `${param}.${key}` : key;
      return invalidParameter(`Unknown parameter: '${name}'.`, name, "unknown_parameter");
    }
  }
  for (const key of rule.required ?? []) {
    if (!Object.hasOwn(record, key) || record[key] === undefined) {
      const name = param ? `${param}.${key}` : key;
      return invalidParameter(`Missing required parameter: '${name}'.`, name, "missing_required_parameter");
    }
  }
  for (const [key, child] of Object.entries(rule.properties)) {
    if (!Object.hasOwn(record, key) || record[key] === undefined) continue;
    const error = matches(child, record[key], param ? `${param}.${key}` : key);
    if (error) return error;
  }
  return undefined;
}

function matchesMap(rule: Extract<Rule, { kind: "map" }>, value: unknown, param: string): ApiErrorBody | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return invalidParameter(
      `Invalid type for '${param}': expected an object, but got ${typeName(value)} instead.`,
      param,
      "invalid_type",
    );
  }
  const entries = Object.entries(value);
  if (entries.length > rule.maxProperties) {
    return invalidParameter(
      `Invalid '${param}': too many properties. Expected an object with at most ${rule.maxProperties} properties, but got ${entries.length} instead.`,
      param,
      "object_above_max_properties",
    );
  }
  for (const [key, item] of entries) {
    if (key.length > rule.maxKeyLength) {
      return invalidParameter(
        `Invalid '${param}': key too long. Expected keys of at most ${rule.maxKeyLength} characters, but got a key with length ${key.length} instead.`,
        param,
        "string_above_max_length",
      );
    }
    const errors = rule.values.map((candidate) => matches(candidate, item, `${param}.${key}`));
    if (errors.every(Boolean)) {
      // Report the error of the alternative that matched the value's type, else a type error.
      const typed = errors.find((error) => error?.code !== "invalid_type");
      return (
        typed ??
        invalidParameter(
          `Invalid type for '${param}.${key}': expected a string, number or boolean, but got ${typeName(item)} instead.`,
          `${param}.${key}`,
          "invalid_type",
        )
      );
    }
  }
  return undefined;
}

/** The first problem of a create body, as the API would report it, or undefined when valid. */
export function validateCreateBody(body: unknown): ApiErrorBody | undefined {
  return matches(CREATE_BODY, body, "");
}
