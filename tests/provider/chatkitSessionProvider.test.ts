import * as assert from "node:assert/strict";
import { Module } from "node:module";
import { ChatKitSessionProvider, ForwardingProvider, SERIALIZED_PROVIDER } from "../../provider/chatkitSessionProvider";
import * as providerModule from "../../provider/index";
import { lifecycle } from "../../provider/index";

describe("ForwardingProvider (the exported provider object, which loads the lifecycle as the recorded text does)", () => {
  it("delegates every method to the lifecycle it loads by package name", async () => {
    const provider = new ForwardingProvider();
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

  describe("when pulumi-chatkit/provider cannot be loaded", () => {
    type Resolve = (request: string, ...rest: unknown[]) => string;
    const loader = Module as unknown as { _resolveFilename: Resolve };
    let original: Resolve;
    /** Makes the package's own module fail to resolve with `error`, as it does once uninstalled. */
    const failLoading = (error: Error) => {
      loader._resolveFilename = function (this: unknown, request, ...rest) {
        if (request === "pulumi-chatkit/provider") throw error;
        return original.call(this, request, ...rest);
      };
    };
    beforeEach(() => {
      original = loader._resolveFilename;
    });
    afterEach(() => {
      loader._resolveFilename = original;
    });

    it("says the package is missing and how to put it back, on every method, without the require stack", async () => {
      const missing = Object.assign(
        new Error("Cannot find module 'pulumi-chatkit/provider'\nRequire stack:\n- /home/someone/project/index.js"),
        { code: "MODULE_NOT_FOUND" },
      );
      failLoading(missing);
      const provider = new ForwardingProvider();
      const calls: Array<() => Promise<unknown>> = [
        () => provider.create({}),
        () => provider.delete("cksess_1", {}),
        () => provider.read("id"),
      ];
      for (const call of calls) {
        const error = await Promise.resolve()
          .then(call)
          .then(
            () => assert.fail("expected the call to fail"),
            (thrown: Error) => thrown,
          );
        assert.match(
          error.message,
          /^The npm package pulumi-chatkit, which manages this stack's ChatKit sessions, cannot be loaded/,
        );
        assert.match(error.message, /\(Cannot find module 'pulumi-chatkit\/provider'\)/);
        assert.match(error.message, /Install it again in this project, from the tarball or git URL it came from/);
        assert.match(error.message, /uninstall it only after pulumi destroy/);
        assert.ok(!error.message.includes("Require stack") && !error.message.includes("/home/"), error.message);
      }
    });

    it("passes a missing dependency of the package on as it is: reinstalling pulumi-chatkit is not the advice", async () => {
      const dependency = Object.assign(new Error("Cannot find module 'openai'\nRequire stack:\n- provider/client.js"), {
        code: "MODULE_NOT_FOUND",
      });
      failLoading(dependency);
      await assert.rejects(
        Promise.resolve().then(() => new ForwardingProvider().create({})),
        (error) => error === dependency,
      );
    });

    it("passes any other loading failure on as it is", async () => {
      const broken = Object.assign(new Error("Unexpected token in provider/index.js"), { code: "ERR_SYNTAX" });
      failLoading(broken);
      await assert.rejects(
        Promise.resolve().then(() => new ForwardingProvider().check({}, {})),
        (error) => error === broken,
      );
    });
  });

  it("keeps the names 0.1.0 exported: ChatKitSessionProvider, SessionLifecycle, and the loaded lifecycle", () => {
    assert.equal(ChatKitSessionProvider, ForwardingProvider);
    assert.equal(providerModule.SessionLifecycle, providerModule.SessionProvider);
    assert.ok(lifecycle instanceof providerModule.SessionProvider);
  });

  it("holds no state of its own to serialize", () => {
    assert.deepEqual(Object.keys(new ForwardingProvider()), []);
  });

  it("is recorded as one line of under 500 bytes, since the state keeps it twice per session", () => {
    assert.ok(!SERIALIZED_PROVIDER.includes("\n"), "no line break, which the state would escape");
    assert.ok(Buffer.byteLength(SERIALIZED_PROVIDER) < 500, `${Buffer.byteLength(SERIALIZED_PROVIDER)} bytes`);
  });
});
