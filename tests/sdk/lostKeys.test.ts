import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { SessionProvider } from "../../provider/lifecycle";
import { ChatKitSession, type ChatKitSessionArgs } from "../../sdk/chatkitSession";
import { refuseLostKeys } from "../../sdk/lostKeys";
import { runUnderMocks, unwrap } from "../helpers/mocks";

/** An object with an own `__proto__` key, as JSON.parse (stack config, a file) makes one. */
const withProtoKey = (rest: Record<string, string> = {}) => ({ ...JSON.parse('{"__proto__":"1"}'), ...rest });
/**
 * zod before 4.3 (4.1.0 measured; 4.3.0 accepts it) reads an object with an own `constructor`
 * key as no plain object, so check refuses such a map there: known, and left to zod's fix.
 */
const zodMinor = Number(/^4\.(\d+)\./.exec(require("zod/package.json").version)?.[1] ?? 99);
const constructorKeyAccepted = zodMinor >= 3;
const refusal = (property: string, key: string) =>
  new RegExp(`ChatKitSession s: ${property.replace(".", "\\.")} has the key "${key}", which Pulumi drops`);

describe("ChatKitSession refuses keys Pulumi would lose on the way to the provider", () => {
  it("refuses __proto__ in triggers or workflow.stateVariables by name, before anything is registered", async () => {
    const cases: Array<[string, ChatKitSessionArgs]> = [
      ["triggers", { user: "u", workflow: { id: "wf_1" }, triggers: withProtoKey({ run: "1" }) }],
      ["workflow.stateVariables", { user: "u", workflow: { id: "wf_1", stateVariables: withProtoKey() } }],
    ];
    for (const [property, args] of cases) {
      const registered: string[] = [];
      await assert.rejects(
        runUnderMocks(
          () => new ChatKitSession("s", args),
          async (resource) => {
            registered.push(resource.name);
            return { id: "s-id", state: resource.inputs };
          },
        ),
        (error: Error) => {
          assert.ok(pulumi.RunError.isInstance(error), String(error));
          assert.match(error.message, refusal(property, "__proto__"));
          assert.match(error.message, /Rename the key\.$/);
          return true;
        },
      );
      assert.deepEqual(registered, [], property);
    }
  });

  it("refuses it inside an Output or a promise when it resolves", async () => {
    const fromApply = pulumi.output("1").apply(() => withProtoKey({ run: "1" }));
    const checked = refuseLostKeys("s", {
      user: "u",
      workflow: { id: "wf_1", stateVariables: Promise.resolve(withProtoKey()) },
      triggers: fromApply,
    });
    await assert.rejects(unwrap(checked.triggers as pulumi.Output<unknown>), refusal("triggers", "__proto__"));
    await assert.rejects(
      checked.workflow.stateVariables as Promise<unknown>,
      refusal("workflow.stateVariables", "__proto__"),
    );
    const wholeWorkflow = refuseLostKeys("s", {
      user: "u",
      workflow: pulumi.output("wf_1").apply((id) => ({ id, stateVariables: withProtoKey() })),
    });
    await assert.rejects(
      unwrap(wholeWorkflow.workflow as pulumi.Output<unknown>),
      refusal("workflow.stateVariables", "__proto__"),
    );
  });

  it("passes Outputs through with their value and secrecy when they hold no such key", async () => {
    const checked = refuseLostKeys("s", {
      user: "u",
      workflow: { id: "wf_1", stateVariables: pulumi.secret({ tier: "gold" }) },
      triggers: pulumi.output({ run: "1" }),
    });
    assert.deepEqual(await unwrap(checked.triggers as pulumi.Output<unknown>), { value: { run: "1" }, secret: false });
    assert.deepEqual(await unwrap(checked.workflow.stateVariables as pulumi.Output<unknown>), {
      value: { tier: "gold" },
      secret: true,
    });
  });

  it("keeps the other names an object inherits: they arrive at the provider, check accepts them, and a change replaces", async () => {
    const keys: Record<string, string> = { prototype: "2", valueOf: "3", hasOwnProperty: "4", toJSON: "5" };
    if (constructorKeyAccepted) Object.assign(keys, { constructor: "1" });
    const { registrations } = await runUnderMocks(
      () => new ChatKitSession("s", { user: "u", workflow: { id: "wf_1", stateVariables: keys }, triggers: keys }),
    );
    const inputs = registrations[0]?.inputs ?? {};
    assert.deepEqual(inputs.triggers, keys);
    assert.deepEqual(inputs.workflow.stateVariables, keys);
    const provider = new SessionProvider({ env: {} });
    const { __provider: _provider, ...news } = inputs;
    assert.deepEqual((await provider.check({}, news)).failures, []);
    const changed = { ...news, triggers: { ...keys, prototype: "changed" } };
    assert.ok((await provider.diff("s-id", news, changed)).replaces?.includes("triggers"));
  });

  it("refuses toString in an object given as an input, on which Pulumi's registration would fail", async () => {
    await assert.rejects(
      runUnderMocks(
        () => new ChatKitSession("s", { user: "u", workflow: { id: "wf_1" }, triggers: { toString: "1" } }),
      ),
      /ChatKitSession s: triggers has the key "toString", on which Pulumi fails to register the resource/,
    );
    // Deeper down, or inside an Output, the key arrives.
    const { registrations } = await runUnderMocks(
      () =>
        new ChatKitSession("s", {
          user: "u",
          workflow: { id: "wf_1", stateVariables: { toString: "1" } },
          triggers: pulumi.output({ toString: "2" }),
        }),
    );
    assert.deepEqual(registrations[0]?.inputs.workflow.stateVariables, { toString: "1" });
    assert.deepEqual(registrations[0]?.inputs.triggers, { toString: "2" });
  });
});
