import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { computedOutputsSchema, PACKAGE_NAME, packageSchema, SESSION_TYPE } from "../../provider/packageSchema";
import { sessionInputsSchema } from "../../provider/schema";
import { SETTINGS } from "../../provider/settings";
import type { SessionOutputs } from "../../provider/wire";
import type { ChatKitSession, ChatKitSessionArgs } from "../../sdk/chatkitSession";

/** The project's root, from dist/tests/provider. */
const ROOT = path.resolve(__dirname, "../../..");
/**
 * Built afresh for each test (in beforeEach), not once when the file loads: Stryker then knows
 * which tests run packageSchema, and tries its mutants against those alone.
 */
let schema: ReturnType<typeof packageSchema>;
let session: ReturnType<typeof packageSchema>["resources"][typeof SESSION_TYPE];

type Property = {
  type?: string;
  $ref?: string;
  oneOf?: Property[];
  additionalProperties?: Property;
  description?: string;
};

/** The object type a property refers to, followed through the package's types. */
function objectType(property: Property | undefined) {
  const ref = property?.$ref ?? property?.oneOf?.find((choice) => choice.$ref)?.$ref;
  return ref ? schema.types[ref.replace("#/types/", "")] : undefined;
}

/** Every key path of a zod object, nested objects included, with the JSON type and the description zod gives it. */
function zodPaths(object: z.ZodType, prefix: string[] = []): Array<[string[], string, string | undefined]> {
  const json = z.toJSONSchema(object, { io: "input", unrepresentable: "any" }) as any;
  const walk = (node: any, path: string[]): Array<[string[], string, string | undefined]> => {
    const type = node.type ?? "any";
    const here: Array<[string[], string, string | undefined]> = path.length > 0 ? [[path, type, node.description]] : [];
    if (node.type !== "object" || !node.properties) return here;
    return [...here, ...Object.entries(node.properties).flatMap(([key, child]) => walk(child, [...path, key]))];
  };
  return walk(json, prefix);
}

/** The property at a key path, followed through the package's object types. */
function propertyAt(path: string[], properties: Record<string, Property>): Property | undefined {
  let current: Property | undefined = properties[path[0]!];
  for (const key of path.slice(1)) current = objectType(current)?.properties[key];
  return current;
}

function schemaTypeAt(path: string[], properties: Record<string, Property>): string | undefined {
  const current = propertyAt(path, properties);
  if (!current) return undefined;
  if (current.$ref === "pulumi.json#/Any") return "any";
  if (current.$ref || current.oneOf) return "object";
  return current.type;
}

/** Type-level equality of two key sets. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const assertType = <T extends true>() => undefined as unknown as T;

describe("provider/packageSchema: the package schema, derived from the one declaration of the inputs", () => {
  beforeEach(() => {
    schema = packageSchema("1.2.3");
    session = schema.resources[SESSION_TYPE];
  });

  it("names the package and its one resource", () => {
    assert.equal(schema.name, PACKAGE_NAME);
    assert.equal(schema.version, "1.2.3");
    assert.deepEqual(Object.keys(schema.resources), ["chatkit:index:Session"]);
  });

  it("has every input of the zod schema at its path, with the same type and description", () => {
    const paths = zodPaths(sessionInputsSchema);
    assert.ok(paths.length > 15);
    assert.ok(paths.filter(([path, , description]) => path.length > 1 && description).length >= 3);
    for (const [path, type, description] of paths) {
      const expected = path.join(".") === "expiresAfter" ? "object" : type;
      assert.equal(schemaTypeAt(path, session.inputProperties), expected, path.join("."));
      assert.equal(propertyAt(path, session.inputProperties)?.description, description, path.join("."));
    }
  });

  it("requires the inputs the zod schema requires, at every level", () => {
    assert.deepEqual(session.requiredInputs, ["user", "workflow"]);
    assert.deepEqual(schema.types["chatkit:index:Workflow"]?.required, ["id"]);
    assert.deepEqual(schema.types["chatkit:index:ExpiresAfter"]?.required, ["seconds"]);
  });

  it("takes expiresAfter as a number of seconds too (the shorthand) and gives it back as an object", () => {
    assert.deepEqual(
      session.inputProperties.expiresAfter?.oneOf?.map((choice) => choice.type ?? choice.$ref),
      ["integer", "#/types/chatkit:index:ExpiresAfter"],
    );
    assert.equal(session.properties.expiresAfter?.$ref, "#/types/chatkit:index:ExpiresAfter");
  });

  it("has every output the provider records, the client secret marked secret", () => {
    const outputKeys = [...Object.keys(sessionInputsSchema.shape), ...Object.keys(computedOutputsSchema.shape)];
    assert.deepEqual(Object.keys(session.properties).sort(), outputKeys.sort());
    assert.deepEqual(
      Object.keys(session.properties).filter((key) => session.properties[key]?.secret),
      ["clientSecret"],
      "only the client secret is always a secret",
    );
    assert.ok(session.required.every((key) => key in session.properties));
    for (const key of [...Object.keys(computedOutputsSchema.shape), ...session.requiredInputs, "expiresAfter"])
      assert.ok(session.required.includes(key), `${key} is always an output`);
    assert.ok(!session.required.includes("triggers"), "an output that may be null is not required");
  });

  it("agrees with the TypeScript types of the SDK and of the recorded outputs, key by key", () => {
    type InputKeys = keyof z.input<typeof sessionInputsSchema>;
    type OutputKeys = InputKeys | keyof z.output<typeof computedOutputsSchema>;
    type Recorded = keyof SessionOutputs | "apiClockOffset" | "apiEndpoint";
    type SdkOutputs = Exclude<
      {
        [K in keyof ChatKitSession]: ChatKitSession[K] extends import("@pulumi/pulumi").Output<unknown> ? K : never;
      }[keyof ChatKitSession],
      "urn" | "id"
    >;
    assertType<Same<keyof ChatKitSessionArgs, InputKeys>>();
    assertType<Same<Recorded, OutputKeys>>();
    assertType<Same<SdkOutputs, OutputKeys>>();
  });

  it("configures the provider with every setting, the API key a secret", () => {
    assert.deepEqual(Object.keys(schema.config.variables), Object.keys(SETTINGS));
    assert.deepEqual(schema.provider.inputProperties, schema.config.variables);
    for (const [name, setting] of Object.entries(SETTINGS)) {
      const variable = schema.config.variables[name]!;
      assert.equal(variable.type, setting.type);
      // The setting's doc, then a sentence naming its environment variable and one giving its default, if it has them.
      const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      const fallback = "variable" in setting ? `( [^.]*\\b${setting.variable}\\.)` : "";
      const byDefault = "default" in setting ? ` Default: ${literal(String(setting.default))}\\.` : "";
      assert.match(variable.description ?? "", new RegExp(`^${literal(setting.doc)}${fallback}${byDefault}$`), name);
    }
    assert.deepEqual(
      Object.keys(schema.config.variables).filter((name) => schema.config.variables[name]?.secret),
      ["apiKey"],
    );
  });

  it("gives nullable outputs their type (Pulumi outputs may always be null)", () => {
    const endpoint = schema.types["chatkit:index:ApiEndpoint"]!.properties;
    assert.deepEqual(Object.fromEntries(Object.entries(endpoint).map(([key, property]) => [key, property.type])), {
      baseUrl: "string",
      organization: "string",
      project: "string",
      keyFingerprint: "string",
    });
    const anyTyped = JSON.stringify(schema).match(/pulumi\.json#\/Any/g) ?? [];
    assert.equal(anyTyped.length, 1, "only stateVariables' values are of any type");
  });

  it("is valid JSON that refers only to types it defines", () => {
    const text = JSON.stringify(schema);
    for (const [, ref] of text.matchAll(/"\$ref":"#\/types\/([^"]+)"/g)) assert.ok(ref! in schema.types, ref);
  });

  it("documents every input and output of the session, and each object type the outputs add", () => {
    for (const [key, property] of [
      ...Object.entries(session.inputProperties),
      ...Object.entries(session.properties),
      ...Object.entries(schema.types["chatkit:index:ApiEndpoint"]!.properties).filter(
        ([key]) => key === "keyFingerprint",
      ),
    ]) {
      assert.ok((property.description ?? "").length > 0, key);
    }
    assert.ok((schema.types["chatkit:index:ApiEndpoint"]!.description ?? "").length > 0);
    assert.equal(
      session.inputProperties.expiresAfter?.description,
      session.properties.expiresAfter?.description,
      "the shorthand keeps the input's description",
    );
  });

  it("names each language's SDK as docs/languages.md tells programs to use it, each taking the schema's version", () => {
    const docs = fs.readFileSync(path.join(ROOT, "docs/languages.md"), "utf8");
    const { nodejs, python, go, csharp, java } = schema.language;
    for (const name of [nodejs.packageName, python.packageName, go.importBasePath])
      assert.ok(name.length > 0 && docs.includes(`\`${name}\``), name);
    for (const language of [nodejs, python, go, csharp]) assert.equal(language.respectSchemaVersion, true);
    assert.ok(csharp.rootNamespace.length > 0 && java.basePackage.length > 0);
  });

  it("describes itself as package.json does, with the registry's category and kind", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    assert.equal(schema.license, manifest.license);
    assert.equal(schema.homepage, manifest.homepage.replace(/#readme$/, ""));
    assert.equal(schema.repository, manifest.repository.url.replace(/^git\+/, "").replace(/\.git$/, ""));
    assert.ok(schema.language.go.importBasePath.startsWith(`${schema.repository.replace("https://", "")}/`));
    assert.deepEqual(
      schema.keywords.filter((keyword) => manifest.keywords.includes(keyword)),
      ["pulumi", "openai", "chatkit"],
    );
    assert.ok(schema.keywords.includes("kind/native"));
    assert.ok(schema.keywords.some((keyword) => /^category\/[a-z]+$/.test(keyword)));
    for (const text of [schema.displayName, schema.description, schema.provider.description, session.description])
      assert.ok(text.length > 0);
  });
});
