import { z } from "zod";
import { sessionInputsSchema } from "./schema";
import { SETTINGS } from "./settings";
import { type PulumiObjectType, type PulumiProperty, propertiesOf } from "./zodToPulumi";

/** The package the provider plugin serves, and its one resource. */
export const PACKAGE_NAME = "chatkit";
export const SESSION_TYPE = `${PACKAGE_NAME}:index:Session`;

/**
 * The outputs a session has beside its inputs' keys (each input key is also an output, holding
 * what the API resolved for it: see wire.ts's SessionOutputs).
 */
export const computedOutputsSchema = z.strictObject({
  clientSecret: z.string().describe("The client secret for the front end; always a secret."),
  expiresAt: z.int().describe("When the session expires, in unix seconds by the API's clock."),
  status: z.enum(["active", "expired", "cancelled"]).describe("The session's status as last known."),
  apiClockOffset: z
    .number()
    .describe("Seconds the API's clock was ahead of this machine's when the session was created."),
  apiEndpoint: z
    .strictObject({
      baseUrl: z.string(),
      organization: z.string().nullable(),
      project: z.string().nullable(),
      keyFingerprint: z
        .string()
        .describe(
          "The first 12 hex digits of the key's SHA-256: tells keys apart, and cannot be turned back into one.",
        ),
    })
    .describe("Where the session lives; a 404 on cancel only proves it gone when it comes from here."),
});

/** The inputs the API resolves when they are not given, so that they are always outputs. */
const ALWAYS_OUTPUT = ["user", "workflow", "chatkitConfiguration", "expiresAfter", "rateLimits", "renewBefore"];

/** Inputs with a shorthand form (shorthands.ts): a bare number of seconds. */
const NUMBER_SHORTHANDS = new Set(["expiresAfter"]);

/** The provider's configuration: every setting of settings.ts, the API key a secret. */
function configVariables(): Record<string, PulumiProperty> {
  return Object.fromEntries(
    Object.entries(SETTINGS).map(([name, setting]) => {
      const fallback = "variable" in setting ? ` Falls back to the environment variable ${setting.variable}.` : "";
      const byDefault = "default" in setting ? ` Default: ${setting.default}.` : "";
      return [
        name,
        {
          type: setting.type,
          description: `${setting.doc}${fallback}${byDefault}`,
          ...(name === "apiKey" ? { secret: true } : {}),
        },
      ];
    }),
  );
}

/**
 * The package schema of the provider plugin, from which `pulumi package add` generates each
 * language's SDK. Derived from the one declaration of the inputs (schema.ts) and of the settings.
 */
export function packageSchema(version: string) {
  const types: Record<string, PulumiObjectType> = {};
  const inputs = propertiesOf(sessionInputsSchema, PACKAGE_NAME, types);
  const computed = propertiesOf(computedOutputsSchema, PACKAGE_NAME, types);
  const inputProperties = { ...inputs.properties };
  for (const key of NUMBER_SHORTHANDS) {
    const { description, ...object } = inputProperties[key] ?? {};
    inputProperties[key] = { oneOf: [{ type: "integer" }, object], ...(description ? { description } : {}) };
  }
  const config = configVariables();
  return {
    name: PACKAGE_NAME,
    displayName: "ChatKit",
    version,
    description: "OpenAI ChatKit sessions: short-lived client secrets for a chat front end.",
    keywords: ["pulumi", "openai", "chatkit", "category/utility", "kind/native"],
    homepage: "https://github.com/pulumi-chatkit/pulumi-chatkit",
    repository: "https://github.com/pulumi-chatkit/pulumi-chatkit",
    license: "Apache-2.0",
    config: { variables: config },
    provider: {
      description: "The ChatKit provider: its settings, or the stack's chatkit:* config when not given.",
      inputProperties: config,
      properties: {},
    },
    resources: {
      [SESSION_TYPE]: {
        description:
          "A ChatKit session: a short-lived client secret for a chat front end. Each up keeps it while it is live and replaces it when it is expired or close to expiry; destroy cancels it.",
        inputProperties,
        requiredInputs: inputs.required,
        properties: {
          ...inputs.properties,
          ...Object.fromEntries(
            Object.entries(computed.properties).map(([key, property]) => [
              key,
              key === "clientSecret" ? { ...property, secret: true } : property,
            ]),
          ),
        },
        required: [...ALWAYS_OUTPUT, ...computed.required],
      },
    },
    types,
    language: {
      nodejs: { packageName: "@pulumi-chatkit/chatkit", respectSchemaVersion: true },
      python: { packageName: "pulumi_chatkit", respectSchemaVersion: true },
      go: {
        importBasePath: "github.com/pulumi-chatkit/pulumi-chatkit/sdk/go/chatkit",
        respectSchemaVersion: true,
      },
      csharp: { rootNamespace: "PulumiChatKit", respectSchemaVersion: true },
      java: { basePackage: "io.github.pulumichatkit" },
    },
  };
}
