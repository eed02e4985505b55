import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { containsUnknown, isUnknownAt, UNKNOWN, valueAt } from "../../provider/unknown";

/** JSON values that hold no unknown: fast-check's strings never produce the engine's marker. */
const knownJson = fc.jsonValue().filter((value) => !JSON.stringify(value).includes(UNKNOWN));

/** The value with the marker put at one place in it, chosen by `pick`, and the path to that place. */
function withUnknownInside(value: unknown, pick: number): { value: unknown; path: PropertyKey[] } {
  if (value === null || typeof value !== "object") return { value: UNKNOWN, path: [] };
  const keys = Object.keys(value);
  if (keys.length === 0 || pick % (keys.length + 1) === keys.length) {
    return Array.isArray(value)
      ? { value: [...value, UNKNOWN], path: [value.length] }
      : { value: { ...value, marker: UNKNOWN }, path: ["marker"] };
  }
  const key = keys[pick % (keys.length + 1)] as string;
  const inner = withUnknownInside((value as Record<string, unknown>)[key], Math.floor(pick / 7));
  const copy = (Array.isArray(value) ? [...value] : { ...value }) as Record<string, unknown>;
  copy[key] = inner.value;
  return { value: copy, path: [Array.isArray(value) ? Number(key) : key, ...inner.path] };
}

describe("unknown values (pulumi preview)", () => {
  it("finds an unknown at any depth, in objects and arrays, and nothing in a value without one", () => {
    fc.assert(
      fc.property(knownJson, fc.nat(), (known, pick) => {
        assert.equal(containsUnknown(known), false);
        const { value, path } = withUnknownInside(known, pick);
        assert.equal(containsUnknown(value), true, JSON.stringify(value));
        assert.equal(valueAt(value, path), UNKNOWN);
        assert.equal(isUnknownAt(value, path), true);
      }),
    );
  });

  it("counts a path as unknown when the value at it or at any prefix of it is unknown, and only then", () => {
    const inputs = { user: "u", workflow: UNKNOWN, chatkitConfiguration: { history: { enabled: UNKNOWN } } };
    assert.equal(isUnknownAt(inputs, ["workflow"]), true);
    assert.equal(isUnknownAt(inputs, ["workflow", "stateVariables", "tier"]), true);
    assert.equal(isUnknownAt(inputs, ["chatkitConfiguration", "history", "enabled"]), true);
    assert.equal(isUnknownAt(inputs, ["chatkitConfiguration", "history"]), false);
    assert.equal(isUnknownAt(inputs, ["user"]), false);
    assert.equal(isUnknownAt(inputs, ["user", "length"]), false);
    assert.equal(isUnknownAt(UNKNOWN, ["anything"]), true);
  });
});
