import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { readPlain } from "../../provider/plain";

/** `depth` objects, each holding the next as `next`, the last holding `leaf`. */
function nested(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let level = 0; level < depth; level++) value = { next: value };
  return value;
}

const throwing = (): never => {
  throw new Error("sk-proj-secret-in-a-getter");
};

describe("plain", () => {
  it("copies plain data as it is: objects, arrays and primitives, a few levels deep", () => {
    const json = fc.jsonValue({ maxDepth: 6 });
    fc.assert(
      fc.property(json, (value) => {
        const read = readPlain(value);
        assert.deepEqual(read, { value, unreadable: [] });
      }),
    );
  });

  it("returns a copy that no longer calls the caller's code: getters are read once", () => {
    let reads = 0;
    const input = {
      get items() {
        reads++;
        return [{ id: "a" }, "b"];
      },
    };
    const { value } = readPlain(input);
    assert.deepEqual(value, { items: [{ id: "a" }, "b"] });
    JSON.stringify(value);
    assert.equal(reads, 1);
  });

  it("gives a function a stand-in of its own, which no caller can change, with no length to check", () => {
    const given = Object.assign((a: number) => a, { id: "wf_1" });
    const { value } = readPlain({ run: given }) as { value: { run: unknown } };
    assert.equal(typeof value.run, "function");
    assert.notEqual(value.run, given);
    assert.ok(Object.isFrozen(value.run));
    assert.equal((value.run as { length?: number }).length, undefined);
  });

  it("names the path, through arrays and objects, of each value that could not be read", () => {
    const entry = Object.defineProperty({}, "id", { enumerable: true, get: throwing });
    const list = [1, entry, Object.defineProperty({}, "deep", { enumerable: true, get: throwing })];
    const { value, unreadable } = readPlain({ list });
    assert.deepEqual(value, { list: [1, { id: undefined }, { deep: undefined }] });
    assert.deepEqual(
      unreadable.map((item) => item.path),
      [
        ["list", 1, "id"],
        ["list", 2, "deep"],
      ],
    );
    for (const item of unreadable) assert.doesNotMatch(item.reason, /sk-proj/);
  });

  it("reads an array element by element, each at its index", () => {
    const sparse: unknown[] = [];
    sparse[2] = "c";
    assert.deepEqual(readPlain(["a", ["b"], sparse]).value, ["a", ["b"], [undefined, undefined, "c"]]);
  });

  it("refuses objects nested more than 64 levels deep, and takes 64", () => {
    // The root is at depth 0, so of 65 objects in a chain the last is at depth 64, one more than allowed.
    assert.deepEqual(readPlain(nested(64, "leaf")), { value: nested(64, "leaf"), unreadable: [] });
    const { value, unreadable } = readPlain(nested(65, "leaf"));
    assert.deepEqual(value, nested(64, undefined));
    assert.deepEqual(unreadable, [
      { path: Array.from({ length: 64 }, () => "next"), reason: "is nested more than 64 levels deep" },
    ]);
  });

  it("refuses a cycle by the path that closes it, but copies an object met twice side by side", () => {
    const shared = { id: "s" };
    assert.deepEqual(readPlain({ a: shared, b: [shared] }), {
      value: { a: { id: "s" }, b: [{ id: "s" }] },
      unreadable: [],
    });
    const loop: Record<string, unknown> = { id: "l" };
    loop.self = [loop];
    const { unreadable } = readPlain(loop);
    assert.deepEqual(
      unreadable.map((item) => item.path),
      [["self", 0]],
    );
  });
});
