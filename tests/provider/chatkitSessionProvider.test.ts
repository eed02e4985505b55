import * as assert from "node:assert/strict";
import { ChatKitSessionProvider } from "../../provider/chatkitSessionProvider";
import { lifecycle } from "../../provider/index";

describe("ChatKitSessionProvider (the serialized, thin provider)", () => {
  it("delegates every method to the lifecycle it loads by package name", async () => {
    const provider = new ChatKitSessionProvider();
    const calls: string[] = [];
    const methods = ["configure", "check", "diff", "create", "read", "update", "delete"] as const;
    const saved = methods.map((method) => [method, lifecycle[method]] as const);
    try {
      for (const method of methods) {
        (lifecycle as any)[method] = async (...args: unknown[]) => {
          calls.push(`${method}:${args.length}`);
          return method;
        };
      }
      assert.equal(await provider.configure({ config: { get: () => undefined, require: () => "" } }), "configure");
      assert.equal(await provider.check({}, {}), "check");
      assert.equal(await provider.diff("id", {}, {}), "diff");
      assert.equal(await provider.create({}), "create");
      assert.equal(await provider.read("id", {}), "read");
      assert.equal(await provider.update("id", {}, {}), "update");
      assert.equal(await provider.delete("id", {}), "delete");
      assert.deepEqual(calls, ["configure:1", "check:2", "diff:3", "create:1", "read:2", "update:3", "delete:2"]);
    } finally {
      for (const [method, original] of saved) (lifecycle as any)[method] = original;
    }
  });

  it("holds no state of its own to serialize", () => {
    assert.deepEqual(Object.keys(new ChatKitSessionProvider()), []);
  });
});
