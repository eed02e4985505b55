import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ChatKitSession } from "../../sdk/chatkitSession";
import { runUnderMocks } from "../helpers/mocks";

const args = { user: "u", workflow: { id: "wf_1" } };

class Group extends pulumi.ComponentResource {
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("test:index:Group", name, {}, opts);
  }
}

describe("resource options that would break a session", () => {
  let warnings: string[];
  let originalWarn: typeof pulumi.log.warn;
  beforeEach(() => {
    warnings = [];
    originalWarn = pulumi.log.warn;
    pulumi.log.warn = async (message: string) => {
      warnings.push(message);
    };
  });
  afterEach(() => {
    pulumi.log.warn = originalWarn;
  });

  it("refuses protect, given or inherited, with the reason, before anything is registered", async () => {
    for (const program of [
      () => new ChatKitSession("kept", args, { protect: true }),
      () => new ChatKitSession("kept", args, { parent: new Group("group", { protect: true }) }),
    ]) {
      await assert.rejects(
        runUnderMocks(program),
        (error: Error) =>
          pulumi.RunError.isInstance(error) &&
          /ChatKitSession kept cannot be protected: .*renewed by replacing it, which Pulumi refuses for a protected resource/.test(
            error.message,
          ),
      );
    }
  });

  it("lets a session opt out of a protected parent's protect", async () => {
    const { registrations } = await runUnderMocks(
      () => new ChatKitSession("s", args, { parent: new Group("group", { protect: true }), protect: false }),
    );
    assert.ok(registrations.some((registration) => registration.name === "s"));
  });

  it("warns that retainOnDelete and deletedWith leave live client secrets behind", async () => {
    await runUnderMocks(() => new ChatKitSession("retained", args, { retainOnDelete: true }));
    assert.match(
      warnings.join("\n"),
      /retained has retainOnDelete: Pulumi will not cancel it, neither on destroy nor when a renewal replaces it/,
    );
    await runUnderMocks(() => {
      const group = new Group("group");
      return new ChatKitSession("tied", args, { deletedWith: group });
    });
    assert.match(
      warnings.join("\n"),
      /tied has deletedWith: when that resource is deleted too, Pulumi does not cancel this session/,
    );
  });

  it("says nothing for the options that are safe", async () => {
    await runUnderMocks(
      () =>
        new ChatKitSession("s", args, {
          ignoreChanges: ["user"],
          deleteBeforeReplace: true,
          replaceOnChanges: ["renewBefore"],
        }),
    );
    assert.deepEqual(warnings, []);
  });
});
