import * as assert from "node:assert/strict";
import { z } from "zod";
import { type PulumiObjectType, propertiesOf } from "../../provider/zodToPulumi";

describe("zodToPulumi: a zod object as Pulumi schema properties and object types", () => {
  it("converts shapes the session does not have yet: a nullable object, a union, nothing required, a map of objects", () => {
    const types: Record<string, PulumiObjectType> = {};
    const converted = propertiesOf(
      z.object({
        limits: z.object({ max: z.number() }).nullable(),
        described: z.object({ on: z.boolean() }).nullable().describe("Described."),
        either: z.union([z.string(), z.number()]).optional(),
        eitherOrNull: z.union([z.string(), z.number()]).nullable(),
        text: z.string().nullable().describe("A text."),
        options: z.object({ verbose: z.boolean().optional() }).optional(),
        nested: z.object({ innerPart: z.object({ x: z.string() }) }),
        counts: z.record(z.string(), z.object({ n: z.number() })),
      }),
      "chatkit",
      types,
    );
    assert.deepEqual(converted, {
      properties: {
        limits: { $ref: "#/types/chatkit:index:Limits" },
        described: { $ref: "#/types/chatkit:index:Described", description: "Described." },
        either: { $ref: "pulumi.json#/Any" },
        eitherOrNull: { $ref: "pulumi.json#/Any" },
        text: { type: "string", description: "A text." },
        options: { $ref: "#/types/chatkit:index:Options" },
        nested: { $ref: "#/types/chatkit:index:Nested" },
        counts: { type: "object", additionalProperties: { $ref: "#/types/chatkit:index:CountsValue" } },
      },
      required: ["limits", "described", "eitherOrNull", "text", "nested", "counts"],
    });
    assert.deepEqual(types, {
      "chatkit:index:Limits": { type: "object", properties: { max: { type: "number" } }, required: ["max"] },
      "chatkit:index:Described": { type: "object", properties: { on: { type: "boolean" } }, required: ["on"] },
      "chatkit:index:Options": { type: "object", properties: { verbose: { type: "boolean" } } },
      "chatkit:index:Nested": {
        type: "object",
        properties: { innerPart: { $ref: "#/types/chatkit:index:NestedInnerPart" } },
        required: ["innerPart"],
      },
      "chatkit:index:NestedInnerPart": { type: "object", properties: { x: { type: "string" } }, required: ["x"] },
      "chatkit:index:CountsValue": { type: "object", properties: { n: { type: "number" } }, required: ["n"] },
    });
    assert.deepEqual(propertiesOf(z.object({ note: z.string().optional() }), "chatkit", {}), {
      properties: { note: { type: "string" } },
      required: [],
    });
  });
});
