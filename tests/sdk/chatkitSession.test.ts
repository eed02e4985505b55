import * as assert from "node:assert/strict";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { SERIALIZED_PROVIDER } from "../../provider/chatkitSessionProvider";
import { SessionProvider } from "../../provider/lifecycle";
import { ChatKitSession } from "../../sdk/chatkitSession";
import { ChatKitSessionProvider, ChatKitSession as Exported } from "../../sdk/index";
import { tableKeys } from "../helpers/docs";
import { useEmulator } from "../helpers/emulator";
import { runUnderMocks, serializedProvider, unwrap } from "../helpers/mocks";

const REPO_ROOT = path.resolve(__dirname, "../../..");
const CANARY_KEY = "sk-canary-must-never-be-serialized-0001";

describe("ChatKitSession under pulumi.runtime.setMocks", () => {
  const ctx = useEmulator();
  it("is exported with its provider, which constructs without arguments", () => {
    assert.equal(Exported, ChatKitSession);
    assert.equal(typeof new ChatKitSessionProvider().create, "function");
  });

  it("registers the documented type token, every input, and clientSecret as an additional secret output", async () => {
    const { registrations } = await runUnderMocks(
      () =>
        new ChatKitSession("support", {
          user: "user-1",
          workflow: { id: "wf_support", stateVariables: { tier: "gold" } },
          expiresAfter: 300,
          renewBefore: 45,
          triggers: { run: "1" },
        }),
    );
    const [registration] = registrations;
    assert.equal(registration?.type, "pulumi-nodejs:dynamic/chatkit:Session");
    assert.deepEqual(registration?.additionalSecretOutputs, ["clientSecret"]);
    const { __provider, ...inputs } = registration?.inputs ?? {};
    assert.equal(typeof __provider, "string");
    assert.deepEqual(inputs, {
      user: "user-1",
      workflow: { id: "wf_support", stateVariables: { tier: "gold" } },
      expiresAfter: 300,
      renewBefore: 45,
      triggers: { run: "1" },
    });
  });

  it("refuses a __provider input by name, as pulumi.dynamic.Resource does", async () => {
    await assert.rejects(
      runUnderMocks(
        () => new ChatKitSession("reserved", { user: "u", workflow: { id: "wf_1" }, __provider: "x" } as never),
      ),
      /ChatKitSession reserved: __provider is not an input: Pulumi's dynamic provider host keeps the provider under that key/,
    );
  });

  it("passes every key the user gives to check, so an unknown or snake_case key fails by name", async () => {
    const args = {
      user: "u",
      workflow: { id: "wf_1" },
      expires_after: { seconds: 60 },
      rate_limits: { max_requests_per_1_minute: 1 },
      maxRequestsPer1Minute: 5,
      clientSecret: "chosen",
    };
    const { registrations } = await runUnderMocks(() => new ChatKitSession("typo", args as never));
    const { __provider, ...inputs } = registrations[0]?.inputs ?? {};
    assert.deepEqual(inputs, args);
    const { failures } = await new SessionProvider({ env: {} }).check({}, inputs);
    assert.deepEqual(failures?.map((failure) => failure.property).sort(), [
      "clientSecret",
      "expires_after",
      "maxRequestsPer1Minute",
      "rate_limits",
    ]);
    assert.match(failures?.find((failure) => failure.property === "expires_after")?.reason ?? "", /use expiresAfter/);
  });

  it("keeps additionalSecretOutputs the user already gave", async () => {
    const { registrations } = await runUnderMocks(
      () =>
        new ChatKitSession(
          "s",
          { user: "u", workflow: { id: "wf_1" } },
          { additionalSecretOutputs: ["user", "clientSecret"] },
        ),
    );
    assert.deepEqual(registrations[0]?.additionalSecretOutputs, ["user", "clientSecret"]);
  });

  it("declares every output docs/chatkitsession.md lists, seeded so a preview shows it unknown, and the provider creates exactly those", async () => {
    const documented = tableKeys(path.join(REPO_ROOT, "docs", "chatkitsession.md"), "Outputs").filter(
      (key) => key !== "id",
    );
    assert.ok(documented.length > 10, "the Outputs table of docs/chatkitsession.md is found");
    const { result: session } = await runUnderMocks(
      () => new ChatKitSession("preview", { user: "u", workflow: { id: "wf_1" } }),
      async (args) => ({ id: undefined, state: args.inputs }),
      true,
    );
    for (const key of documented) {
      const output = (session as unknown as Record<string, unknown>)[key];
      assert.ok(pulumi.Output.isInstance(output), `${key} is an output of ChatKitSession`);
      const given = key === "user" || key === "workflow";
      assert.equal(await (output as any).isKnown, given, `${key} is ${given ? "known" : "unknown"} during preview`);
    }
    const { outs } = await new SessionProvider({ env: ctx.env }).create({ user: "u", workflow: { id: "wf_1" } });
    assert.deepEqual(
      Object.keys(outs).sort(),
      [...documented].sort(),
      "the provider returns what docs/chatkitsession.md lists",
    );
  });

  it("exposes what the provider returned, with the client secret as a secret", async () => {
    const { result: session } = await runUnderMocks(
      () => new ChatKitSession("s", { user: "u", workflow: { id: "wf_1" } }),
      async (args) => ({
        id: "cksess_1",
        state: { ...args.inputs, clientSecret: "ek_secret", expiresAt: 1_900_000_000, status: "active" },
      }),
    );
    assert.deepEqual(await unwrap(session.expiresAt), { value: 1_900_000_000, secret: false });
    // Under mocks the engine's additionalSecretOutputs step does not run; the registration test
    // above proves the option is sent, and the consumer and example tests prove the result.
    assert.equal((await unwrap(session.status)).value, "active");
  });

  describe("the serialized provider (__provider)", () => {
    let text: string;
    before(async () => {
      const saved = process.env.OPENAI_API_KEY;
      process.env.OPENAI_API_KEY = CANARY_KEY;
      try {
        text = await serializedProvider();
      } finally {
        if (saved === undefined) delete process.env.OPENAI_API_KEY;
        else process.env.OPENAI_API_KEY = saved;
      }
    });

    it("is the written-out text, at most 1 KiB, whatever Pulumi's closure serializer would make", () => {
      assert.equal(text, SERIALIZED_PROVIDER);
      assert.ok(Buffer.byteLength(text) <= 1024, `${Buffer.byteLength(text)} bytes`);
    });

    it("holds no secret", () => {
      assert.ok(!text.includes(CANARY_KEY));
      assert.doesNotMatch(text, /sk-|ek_|apiKey/);
    });

    it("holds no path of this machine", () => {
      const root = path.resolve(__dirname, "../../..");
      for (const local of [root, os.homedir(), os.tmpdir(), process.cwd()]) {
        assert.ok(!text.includes(local), `contains ${local}`);
      }
      assert.doesNotMatch(text, /["'`]\/(?:home|root|tmp|work|Users|var)\//);
    });

    it("loads the lifecycle by package name instead of carrying it", () => {
      assert.match(text, /require\("pulumi-chatkit\/provider"\)/);
      assert.doesNotMatch(text, /zod|openai|SessionProvider\s*\{/);
    });
  });
});
