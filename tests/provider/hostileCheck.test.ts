import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { SessionProvider } from "../../provider/lifecycle";

/** What a throwing trap or getter says: it must never reach a failure's text. */
const THROWN = "sk-proj-thrown-text-must-not-be-shown-0123456789";
const fail = () => {
  throw new Error(THROWN);
};

/** Objects that run the caller's code when read, each made fresh (a Proxy revoked once stays revoked). */
const HOSTILE: Record<string, () => unknown> = {
  "a throwing getter": () => Object.defineProperty({}, "id", { get: fail, enumerable: true }),
  "a revoked Proxy": () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  },
  "a revoked Proxy of an array": () => {
    const { proxy, revoke } = Proxy.revocable([], {});
    revoke();
    return proxy;
  },
  "a Proxy that throws on ownKeys": () => new Proxy({}, { ownKeys: fail }),
  "a Proxy that throws on get": () => new Proxy({ id: "wf_1" }, { get: fail }),
  "a Proxy that throws on getOwnPropertyDescriptor": () =>
    new Proxy({ id: "wf_1" }, { getOwnPropertyDescriptor: fail }),
  "an array whose length throws": () =>
    new Proxy([], { get: (target, key) => (key === "length" ? fail() : Reflect.get(target, key)) }),
  "an object whose toJSON, toString and valueOf throw": () => ({ toJSON: fail, toString: fail, valueOf: fail }),
  "an object whose Symbol.toPrimitive throws": () => ({ [Symbol.toPrimitive]: fail }),
  "a function whose toString throws": () => Object.assign(() => {}, { toString: fail }),
  "a revoked Proxy of a function": () => {
    const { proxy, revoke } = Proxy.revocable(() => {}, {});
    revoke();
    return proxy;
  },
  "a Proxy of a function whose traps throw": () =>
    new Proxy(() => {}, { get: fail, has: fail, ownKeys: fail, getPrototypeOf: fail, getOwnPropertyDescriptor: fail }),
  "a cycle": () => {
    const cycle: Record<string, unknown> = { id: "wf_1" };
    cycle.self = cycle;
    return cycle;
  },
  "a getter making a new object each time, forever": () => {
    const endless = (): object => ({
      get deeper() {
        return endless();
      },
    });
    return endless();
  },
};

/**
 * fast-check inspects the values it generates, which a revoked Proxy does not survive: it
 * generates a plan, with a marker where a hostile object goes, and the property builds it.
 */
const HOSTILE_AT = Symbol("hostile");
const hostile = fc.constantFrom(...Object.keys(HOSTILE)).map((name) => ({ [HOSTILE_AT]: name }));

function build(plan: unknown): unknown {
  if (plan === null || typeof plan !== "object") return plan;
  const name = (plan as { [HOSTILE_AT]?: string })[HOSTILE_AT];
  if (name !== undefined) return HOSTILE[name]?.();
  if (Array.isArray(plan)) return plan.map(build);
  return Object.fromEntries(Object.entries(plan).map(([key, value]) => [key, build(value)]));
}

/** Any value, with hostile objects anywhere in it, at any depth. */
const anyWithHostile = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.jsonValue({ maxDepth: 1 }),
    hostile,
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie("value"), { maxKeys: 3 }),
  ),
})).value;

/** Inputs that are valid but for one hostile value at one of the places check reads. */
const nearlyValid = fc
  .tuple(
    hostile,
    fc.constantFrom(
      "user",
      "workflow",
      "workflow.id",
      "workflow.stateVariables",
      "workflow.stateVariables.tier",
      "triggers",
      "expiresAfter",
      "chatkitConfiguration.history",
    ),
  )
  .map(([bad, at]) => {
    const inputs: Record<string, any> = { user: "u", workflow: { id: "wf_1", stateVariables: { tier: "gold" } } };
    const path = at.split(".");
    let parent = inputs;
    for (const key of path.slice(0, -1)) {
      parent[key] ??= {};
      parent = parent[key];
    }
    parent[path.at(-1)!] = bad;
    return inputs;
  });

function walk(value: unknown, depth = 0): void {
  assert.ok(depth < 100, "no cycle");
  if (value === null || typeof value !== "object") return;
  for (const key of Object.keys(value)) walk((value as Record<string, unknown>)[key], depth + 1);
}

describe("check never throws, whatever object it is given in-process", () => {
  const lifecycle = () => new SessionProvider({ env: {}, warn: () => {} });

  it("returns failures for any value holding hostile objects anywhere, never showing what they threw", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyWithHostile, nearlyValid, fc.anything()), async (plan) => {
        const result = await lifecycle().check({}, build(plan) as Record<string, unknown>);
        assert.ok(Array.isArray(result.failures));
        const text = JSON.stringify(result.failures);
        assert.ok(!text.includes(THROWN), text);
        assert.ok(!text.includes("could not be checked"), text);
        // What check returns is plain data: reading all of it runs none of the caller's code.
        walk(result.inputs);
      }),
      { numRuns: 500 },
    );
  });

  it("names where each hostile object is, and what it is", async () => {
    for (const [name, make] of Object.entries(HOSTILE)) {
      for (const [where, news] of [
        ["workflow", { user: "u", workflow: make() }],
        ["user", { user: make(), workflow: { id: "wf_1" } }],
      ] as const) {
        const { failures } = await lifecycle().check({}, news as never);
        assert.ok(failures && failures.length > 0, name);
        assert.ok(
          failures.every(
            (failure) => failure.property.startsWith(where) && failure.reason.startsWith(failure.property),
          ),
          `${name} as ${where}: ${JSON.stringify(failures)}`,
        );
      }
    }
    const failuresOf = async (news: unknown) => (await lifecycle().check({}, news as never)).failures;
    assert.deepEqual(await failuresOf(HOSTILE["a revoked Proxy"]!()), [
      {
        property: "the inputs",
        reason:
          "the inputs could not be read: reading it threw an error (a getter, or a Proxy that is revoked or whose traps throw)",
      },
    ]);
    assert.deepEqual(await failuresOf({ user: "u", workflow: HOSTILE["a throwing getter"]!() }), [
      {
        property: "workflow.id",
        reason:
          "workflow.id could not be read: reading it threw an error (a getter, or a Proxy that is revoked or whose traps throw)",
      },
    ]);
    assert.deepEqual(await failuresOf({ user: "u", workflow: HOSTILE["a cycle"]!() }), [
      {
        property: "workflow.self",
        reason: "workflow.self refers back to an object that holds it (a cycle): inputs must be plain data",
      },
    ]);
    // A function, however hostile, is refused for its kind alone, once.
    for (const name of ["a revoked Proxy of a function", "a Proxy of a function whose traps throw"]) {
      assert.deepEqual(await failuresOf({ user: HOSTILE[name]!(), workflow: { id: "wf_1" } }), [
        { property: "user", reason: "user must be a string, got a function" },
      ]);
    }
    const endless = await failuresOf({
      user: "u",
      workflow: HOSTILE["a getter making a new object each time, forever"]!(),
    });
    assert.match(endless?.[0]?.reason ?? "", /is nested more than 64 levels deep$/);
  });

  it("reads each value once: a getter that changes its answer cannot pass check with one value and be sent with another", async () => {
    let reads = 0;
    const workflow = Object.defineProperty({}, "id", {
      get: () => (reads++ === 0 ? "wf_1" : { not: "a string" }),
      enumerable: true,
    });
    const result = await lifecycle().check({}, { user: "u", workflow } as never);
    assert.deepEqual(result, { inputs: { user: "u", workflow: { id: "wf_1" } }, failures: [] });
    assert.equal(reads, 1);
  });

  it("still checks a shared object met twice, which is no cycle", async () => {
    const flag = { enabled: true };
    const result = await lifecycle().check(
      {},
      {
        user: "u",
        workflow: { id: "wf_1", tracing: flag },
        chatkitConfiguration: { automaticThreadTitling: flag, history: flag },
      },
    );
    assert.deepEqual(result.failures, []);
  });
});
