import * as assert from "node:assert/strict";
import * as path from "node:path";
import { z } from "zod";
import { SessionProvider } from "../../provider/lifecycle";
import { sessionInputsSchema, validateInputs } from "../../provider/schema";
import { tableRows } from "../helpers/docs";
import { useEmulator } from "../helpers/emulator";

/** The resource's reference page, where the Inputs and Outputs tables live (the README links to it). */
const DOC = path.resolve(__dirname, "../../../docs/chatkitsession.md");

/** The rows of the Inputs table of docs/chatkitsession.md: the input's path and its "default" cell, backticks removed. */
function documentedInputs(): Map<string, string> {
  return new Map(
    tableRows(DOC, "Inputs").map(([name, , , documentedDefault]) => [
      (name ?? "").slice(1, -1),
      (documentedDefault ?? "").replace(/`/g, ""),
    ]),
  );
}

const MINIMAL = { user: "u", workflow: { id: "wf_1" } };

/** Puts `value` at a dotted path of a copy of `base`. */
function withValue(base: Record<string, unknown>, dotted: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(base);
  const keys = dotted.split(".");
  let node = copy;
  for (const key of keys.slice(0, -1)) {
    node[key] = (node[key] as Record<string, unknown> | undefined) ?? {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1) as string] = value;
  return copy;
}

/** The properties the schema declares at a dotted path (read from the schema, optional layers unwrapped). */
function knownAt(dotted: string): string[] {
  let schema: z.ZodType = sessionInputsSchema;
  for (const key of dotted ? dotted.split(".") : []) {
    while (schema instanceof z.ZodOptional) schema = schema.unwrap() as z.ZodType;
    assert.ok(schema instanceof z.ZodObject, `the schema has an object at ${dotted}`);
    schema = schema.shape[key] as z.ZodType;
  }
  while (schema instanceof z.ZodOptional) schema = schema.unwrap() as z.ZodType;
  assert.ok(schema instanceof z.ZodObject, `the schema has an object at ${dotted || "the top"}`);
  return Object.keys(schema.shape);
}

/** What docs/chatkitsession.md's words in the "default" column mean, as the value an output holds. */
const DEFAULT_WORDS: Record<string, unknown> = {
  true: true,
  false: false,
  "{}": {},
  unlimited: null,
  none: null,
  "the latest deployed version": null,
  "a tenth of the lifetime, at most 60": 60,
};

function expectedDefault(text: string): unknown {
  if (/^\d+$/.test(text)) return Number(text);
  assert.ok(Object.hasOwn(DEFAULT_WORDS, text), `the test knows what docs/chatkitsession.md's default "${text}" means`);
  return DEFAULT_WORDS[text];
}

/** The output that holds an input's resolved value (expiresAfter's seconds; the rest at the same path). */
function outputAt(outs: Record<string, unknown>, input: string): unknown {
  const dotted = input === "expiresAfter" ? "expiresAfter.seconds" : input;
  return dotted.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown> | null)?.[key], outs);
}

describe("docs/chatkitsession.md's Inputs table", () => {
  const ctx = useEmulator();
  const documented = documentedInputs();

  it("names exactly the inputs check knows, each at its own path", () => {
    assert.ok(documented.size > 10, "docs/chatkitsession.md's Inputs table is found");
    const reached = new Set<string>();
    const walk = (at: string) => {
      for (const key of knownAt(at)) {
        const full = at ? `${at}.${key}` : key;
        if (documented.has(full)) reached.add(full);
        else if ([...documented.keys()].some((input) => input.startsWith(`${full}.`))) walk(full);
        else assert.fail(`check accepts ${full}, which docs/chatkitsession.md's Inputs table does not list`);
      }
    };
    walk("");
    assert.deepEqual(
      [...documented.keys()].filter((input) => !reached.has(input)),
      [],
      "listed but unknown to check",
    );
  });

  it("gives the defaults a session resolves to, and writing a default out changes nothing", async () => {
    const lifecycle = new SessionProvider({ env: ctx.env, warn: () => {} });
    const { id, outs } = await lifecycle.create(MINIMAL);
    const withDefaults = [...documented].filter(([, text]) => text !== "");
    assert.ok(withDefaults.length > 10);
    for (const [input, text] of withDefaults) {
      const expected = expectedDefault(text);
      const resolved = outputAt(outs as unknown as Record<string, unknown>, input);
      // The API may leave an empty map out (null); docs/chatkitsession.md's {} is the same thing.
      if (input === "workflow.stateVariables" && resolved === null) assert.deepEqual(expected, {});
      else assert.deepEqual(resolved, expected, `${input} defaults to ${text}`);
      if (expected === null || input === "renewBefore") continue;
      const written = withValue(MINIMAL, input, expected);
      assert.deepEqual(validateInputs(written).failures, [], `${input}: ${JSON.stringify(expected)} passes check`);
      const diff = await lifecycle.diff(id, outs, written);
      assert.deepEqual(diff.replaces, [], `writing ${input}: ${JSON.stringify(expected)} out replaces nothing`);
    }
  });
});
