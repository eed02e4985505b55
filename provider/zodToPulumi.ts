/**
 * Pulumi's package schema from zod: the shapes the provider declares once in zod (its inputs and
 * computed outputs) as the properties and object types of a Pulumi package schema.
 */
import { z } from "zod";

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  description?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
};

export interface PulumiProperty {
  type?: string;
  $ref?: string;
  additionalProperties?: PulumiProperty;
  oneOf?: PulumiProperty[];
  description?: string;
  secret?: boolean;
}

export interface PulumiObjectType {
  type: "object";
  description?: string;
  properties: Record<string, PulumiProperty>;
  required?: string[];
}

const pascal = (words: string[]) => words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join("");

/**
 * Turns the JSON Schema zod derives into Pulumi's schema: each object becomes a named type
 * (named by its path: workflow.tracing is WorkflowTracing), a map stays a map, a value of any
 * type is pulumi.json#/Any, and a nullable value is the value (Pulumi outputs may always be null).
 */
function toPulumi(
  json: JsonSchema,
  path: string[],
  packageName: string,
  types: Record<string, PulumiObjectType>,
): PulumiProperty {
  const description = json.description ? { description: json.description } : {};
  // zod writes a nullable value as `type: [T, "null"]`, or as anyOf when T is not a plain type.
  if (Array.isArray(json.type)) {
    const [type, ...others] = json.type.filter((choice) => choice !== "null");
    return toPulumi({ ...json, type: others.length === 0 ? type : undefined }, path, packageName, types);
  }
  const nonNull = json.anyOf?.filter((choice) => choice.type !== "null");
  if (nonNull?.length === 1 && nonNull[0]) return { ...toPulumi(nonNull[0], path, packageName, types), ...description };
  if (json.type === "object" && json.properties) {
    const token = `${packageName}:index:${pascal(path)}`;
    types[token] = {
      type: "object",
      ...description,
      properties: Object.fromEntries(
        Object.entries(json.properties).map(([key, child]) => [
          key,
          toPulumi(child, [...path, key], packageName, types),
        ]),
      ),
      ...(json.required?.length ? { required: json.required } : {}),
    };
    return { $ref: `#/types/${token}`, ...description };
  }
  if (json.type === "object") {
    const values = typeof json.additionalProperties === "object" ? json.additionalProperties : {};
    return {
      type: "object",
      additionalProperties: toPulumi(values, [...path, "value"], packageName, types),
      ...description,
    };
  }
  if (json.type === "integer" || json.type === "number" || json.type === "boolean" || json.type === "string") {
    return { type: json.type, ...description };
  }
  return { $ref: "pulumi.json#/Any", ...description };
}

/**
 * The Pulumi properties of a zod object, and the keys it requires; each object type it holds is
 * added to `types`, under a token of the package.
 */
export function propertiesOf(schema: z.ZodType, packageName: string, types: Record<string, PulumiObjectType>) {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const properties = Object.fromEntries(
    Object.entries(json.properties ?? {}).map(([key, child]) => [key, toPulumi(child, [key], packageName, types)]),
  );
  return { properties, required: json.required ?? [] };
}
