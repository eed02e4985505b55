import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { validateCreateBody } from "../../emulator/validate";
import { SessionProvider } from "../../provider/lifecycle";
import { canonicalJson, normalize, REPLACING_KEYS, type SessionShape } from "../../provider/normalize";
import { validateInputs } from "../../provider/schema";
import { toCreateBody } from "../../provider/wire";
import { useEmulator } from "../helpers/emulator";

/** Inputs near the documented limits, valid and invalid alike. */
const primitive = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
);
const flag = fc.record({ enabled: fc.boolean() }, { requiredKeys: [] });
const inputsArbitrary = fc.record(
  {
    user: fc.string({ maxLength: 8 }),
    workflow: fc.record(
      {
        id: fc.string({ maxLength: 8 }),
        version: fc.oneof(fc.constant("latest"), fc.string({ maxLength: 4 })),
        stateVariables: fc.dictionary(fc.string({ maxLength: 66 }), primitive, { maxKeys: 66 }),
        tracing: flag,
      },
      { requiredKeys: ["id"] },
    ),
    chatkitConfiguration: fc.record(
      {
        automaticThreadTitling: flag,
        fileUpload: fc.record(
          {
            enabled: fc.boolean(),
            maxFileSize: fc.integer({ min: -1, max: 514 }),
            maxFiles: fc.integer({ min: -1, max: 20 }),
          },
          { requiredKeys: [] },
        ),
        history: fc.record(
          { enabled: fc.boolean(), recentThreads: fc.integer({ min: -1, max: 20 }) },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    ),
    expiresAfter: fc.oneof(
      fc.integer({ min: -1, max: 602 }),
      fc.record({ anchor: fc.constant("created_at" as const), seconds: fc.integer({ min: -1, max: 602 }) }),
    ),
    rateLimits: fc.record({ maxRequestsPer1Minute: fc.integer({ min: -1, max: 100 }) }, { requiredKeys: [] }),
    renewBefore: fc.integer({ min: -1, max: 602 }),
    triggers: fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
  },
  { requiredKeys: ["user", "workflow"] },
);
const validInputs = inputsArbitrary.filter((inputs) => validateInputs(inputs).failures.length === 0);

const DAY = 86_400;

describe("properties of check, normalize and diff (fast-check)", () => {
  const ctx = useEmulator();
  const lifecycle = () => new SessionProvider({ env: ctx.env, now: () => Date.now(), warn: () => {} });
  /** What create would record, without a network call: outputs shaped like the API's answer. */
  const recorded = (inputs: SessionShape) => ({
    ...normalize(inputs),
    status: "active",
    expiresAt: Date.now() / 1000 + DAY,
  });

  it("check never throws, whatever the JSON", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), fc.anything(), inputsArbitrary), async (news) => {
        const result = await lifecycle().check({}, news as Record<string, unknown>);
        assert.ok(Array.isArray(result.failures));
      }),
      { numRuns: 500 },
    );
  });

  it("every input check accepts, the API's documented rules accept too", () => {
    fc.assert(
      fc.property(validInputs, (inputs) => {
        const checked = validateInputs(inputs).inputs;
        assert.ok(checked);
        assert.equal(validateCreateBody(JSON.parse(JSON.stringify(toCreateBody(checked)))), undefined);
      }),
      { numRuns: 500 },
    );
  });

  it("every input check accepts, the emulator creates", async () => {
    await fc.assert(
      fc.asyncProperty(validInputs, async (inputs) => {
        const { id } = await lifecycle().create({ ...inputs, workflow: { ...inputs.workflow, id: "wf_generated" } });
        assert.match(id, /^cksess_/);
      }),
      { numRuns: 40 },
    );
  });

  it("an up right after an up changes nothing, for every lifetime from 1 to 600 s", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 600 }), async (lifetime) => {
        // "Right after": this machine's clock does not move between the two runs.
        const at = Date.now();
        const run = () => new SessionProvider({ env: ctx.env, now: () => at, warn: () => {} });
        const inputs = { user: "u", workflow: { id: "wf_1" }, expiresAfter: lifetime };
        const { id, outs } = await run().create(inputs);
        assert.deepEqual(await run().diff(id, outs, inputs), {
          changes: false,
          replaces: [],
          deleteBeforeReplace: false,
        });
      }),
      { numRuns: 40, examples: [[1], [2], [9], [10], [11], [599], [600]] },
    );
  });

  it("normalizing is idempotent", () => {
    fc.assert(
      fc.property(validInputs, (inputs) => {
        const once = normalize(inputs as SessionShape);
        assert.equal(canonicalJson(normalize(once)), canonicalJson(once));
      }),
      { numRuns: 500 },
    );
  });

  it("diff(x, x) is never a change", async () => {
    await fc.assert(
      fc.asyncProperty(validInputs, async (inputs) => {
        const diff = await lifecycle().diff("cksess_x", recorded(inputs as SessionShape), inputs);
        assert.deepEqual(diff, { changes: false, replaces: [], deleteBeforeReplace: false });
      }),
      { numRuns: 500 },
    );
  });

  it("a change to any field sent to the API, or to triggers, always replaces", async () => {
    const changed = fc.tuple(validInputs, validInputs, fc.constantFrom(...REPLACING_KEYS)).filter(([a, b, key]) => {
      const moved = { ...a, [key]: (b as Record<string, unknown>)[key] };
      return (
        validateInputs(moved).failures.length === 0 &&
        canonicalJson(normalize(a as SessionShape)[key]) !== canonicalJson(normalize(moved as SessionShape)[key])
      );
    });
    await fc.assert(
      fc.asyncProperty(changed, async ([a, b, key]) => {
        const news = { ...a, [key]: (b as Record<string, unknown>)[key] };
        const diff = await lifecycle().diff("cksess_x", recorded(a as SessionShape), news);
        assert.ok(diff.replaces?.includes(key), `${key} changed but replaces is ${JSON.stringify(diff.replaces)}`);
        assert.equal(diff.changes, true);
      }),
      { numRuns: 300 },
    );
  });
});
