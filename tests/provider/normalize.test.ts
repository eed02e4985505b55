import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { SessionProvider } from "../../provider/lifecycle";
import { canonicalJson, effectiveRenewBefore, normalize } from "../../provider/normalize";
import { useEmulator } from "../helpers/emulator";

describe("normalize", () => {
  it("applies the documented defaults, so omitted, explicit and resolved-null compare equal", () => {
    const omitted = normalize({ user: "u", workflow: { id: "wf_1" } });
    const explicit = normalize({
      user: "u",
      workflow: { id: "wf_1", stateVariables: {}, tracing: { enabled: true } },
      chatkitConfiguration: {
        automaticThreadTitling: { enabled: true },
        fileUpload: { enabled: false, maxFileSize: 512, maxFiles: 10 },
        history: { enabled: true },
      },
      expiresAfter: { anchor: "created_at", seconds: 600 },
      rateLimits: { maxRequestsPer1Minute: 10 },
      renewBefore: 60,
      triggers: {},
    });
    const resolved = normalize({
      user: "u",
      workflow: { id: "wf_1", version: null, stateVariables: null, tracing: { enabled: true } },
      chatkitConfiguration: { history: { enabled: true, recentThreads: null }, fileUpload: { maxFileSize: null } },
      triggers: null,
    });
    assert.equal(canonicalJson(explicit), canonicalJson(omitted));
    assert.equal(canonicalJson(resolved), canonicalJson(omitted));
  });

  it("defaults renewBefore to a tenth of the lifetime, at most a minute", () => {
    assert.equal(effectiveRenewBefore({}), 60);
    assert.equal(effectiveRenewBefore({ expiresAfter: 300 }), 30);
    assert.equal(effectiveRenewBefore({ expiresAfter: { seconds: 9 } }), 0);
    assert.equal(effectiveRenewBefore({ expiresAfter: 300, renewBefore: 100 }), 100);
  });

  it("writes canonical JSON with sorted keys", () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } }),
      '{"a":{"d":[1,{"x":1,"y":2}]},"b":1}',
    );
  });

  it("writes the same canonical JSON whatever order an object's keys were written in", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 1 })), (value) => {
        const reversed = Object.fromEntries(Object.entries(value).reverse());
        assert.equal(canonicalJson(reversed), canonicalJson(value));
      }),
    );
  });
});

describe("normalize, as diff sees it: which edits replace the session", () => {
  const ctx = useEmulator();
  const base = { user: "user-1", workflow: { id: "wf_support" } };
  const lifecycle = () => new SessionProvider({ env: ctx.env, warn: () => {} });
  let created: { id: string; outs: Record<string, unknown> };

  before(async () => {
    created = await lifecycle().create(base);
  });

  const edits: [what: string, edit: Record<string, unknown>, replaces: string][] = [
    ["the workflow id", { workflow: { id: "wf_billing" } }, "workflow"],
    ["the workflow version", { workflow: { id: "wf_support", version: "2" } }, "workflow"],
    ["a state variable", { workflow: { id: "wf_support", stateVariables: { tier: "gold" } } }, "workflow"],
    ["tracing", { workflow: { id: "wf_support", tracing: { enabled: false } } }, "workflow"],
    [
      "automatic thread titling",
      { chatkitConfiguration: { automaticThreadTitling: { enabled: false } } },
      "chatkitConfiguration",
    ],
    ["file upload", { chatkitConfiguration: { fileUpload: { enabled: true } } }, "chatkitConfiguration"],
    ["the file size limit", { chatkitConfiguration: { fileUpload: { maxFileSize: 100 } } }, "chatkitConfiguration"],
    ["the file count limit", { chatkitConfiguration: { fileUpload: { maxFiles: 3 } } }, "chatkitConfiguration"],
    ["history", { chatkitConfiguration: { history: { enabled: false } } }, "chatkitConfiguration"],
    ["the recent threads shown", { chatkitConfiguration: { history: { recentThreads: 5 } } }, "chatkitConfiguration"],
    ["the lifetime", { expiresAfter: 300 }, "expiresAfter"],
    ["the rate limit", { rateLimits: { maxRequestsPer1Minute: 20 } }, "rateLimits"],
  ];
  for (const [what, edit, key] of edits) {
    it(`replaces when ${what} changes, naming ${key}`, async () => {
      const diff = await lifecycle().diff(created.id, created.outs, { ...base, ...edit });
      assert.deepEqual(diff.replaces, [key]);
      assert.equal(diff.changes, true);
    });
  }

  it("is no change whatever order state variables and triggers are written in", async () => {
    const shuffled = <T>(record: Record<string, T>) =>
      fc
        .shuffledSubarray(Object.entries(record), { minLength: Object.keys(record).length })
        .map((entries) => Object.fromEntries(entries) as Record<string, T>);
    const written = fc
      .record({
        stateVariables: fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), fc.oneof(fc.string(), fc.integer()), {
          minKeys: 2,
          maxKeys: 12,
        }),
        triggers: fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), fc.string(), { minKeys: 2, maxKeys: 6 }),
      })
      .chain((first) =>
        fc
          .tuple(fc.constant(first), shuffled(first.stateVariables), shuffled(first.triggers))
          .map(([, stateVariables, triggers]) => [first, { stateVariables, triggers }] as const),
      );
    await fc.assert(
      fc.asyncProperty(written, async ([first, reordered]) => {
        const olds = {
          ...created.outs,
          workflow: { ...(created.outs.workflow as object), stateVariables: first.stateVariables },
          triggers: first.triggers,
        };
        const news = {
          ...base,
          workflow: { id: "wf_support", stateVariables: reordered.stateVariables },
          triggers: reordered.triggers,
        };
        assert.deepEqual(await lifecycle().diff(created.id, olds, news), {
          changes: false,
          replaces: [],
          deleteBeforeReplace: false,
        });
      }),
      { numRuns: 200 },
    );
  });
});
