import * as assert from "node:assert/strict";
import type { EngineStack } from "../../scripts/engine/stack";
import { TEST_API_KEY } from "../helpers/emulator";
import { useEngineStacks } from "../helpers/engineStacks";
import { runsOfTen } from "../helpers/secret";

const OTHER_KEY = "sk-test-rotated-fedcba9876543210";

/** The operations other than "same" of the last update in the stack's history. */
async function lastChanges(engine: EngineStack): Promise<Record<string, number>> {
  const [last] = await engine.stack.history(1);
  return Object.fromEntries(
    Object.entries(last?.resourceChanges ?? {}).filter(([op, count]) => op !== "same" && (count ?? 0) > 0),
  ) as Record<string, number>;
}

/** The sessions in the exported state, by resource name. */
function sessionsInState(state: any): Record<string, any> {
  const resources: any[] = state.deployment.resources ?? [];
  return Object.fromEntries(
    resources
      .filter((resource) => String(resource.type).startsWith("pulumi-nodejs:dynamic"))
      .map((resource) => [String(resource.urn).split("::").at(-1), resource]),
  );
}

/**
 * Each statement the docs (docs/_index.md, docs/installation-configuration.md) make about the engine, run through the real Pulumi CLI against the
 * emulator with the engine program (scripts/engine/program.ts): refresh, renewal, replace,
 * resource options, import, targets, config recorded in state, and what the state holds.
 */
describe("the docs' engine statements, through the Pulumi CLI", function () {
  this.timeout(30 * 60_000);
  const stacks = useEngineStacks();
  const engineStack = (
    name: string,
    config: Record<string, string> = {},
    options: { env?: Record<string, string>; secrets?: Record<string, string> } = {},
  ) => stacks.stack(name, { config, ...options });

  const up = async (engine: EngineStack, ...args: string[]) => {
    const run = await engine.cli(["up", "--yes", "--skip-preview", ...args]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    return run;
  };
  const statusOf = (id: string) => stacks.emulator.session(id)?.status;

  describe("refresh", () => {
    it("keeps a live session with no changes (--expect-no-changes holds after up)", async () => {
      const engine = await engineStack("refresh-live");
      await up(engine);
      const run = await engine.cli(["refresh", "--yes", "--expect-no-changes"]);
      assert.equal(run.code, 0, run.stdout + run.stderr);
    });

    it("cannot see a session cancelled outside Pulumi: still active, and up does nothing", async () => {
      const engine = await engineStack("refresh-cancelled");
      await up(engine);
      const [id] = (await engine.stack.outputs()).ids!.value as string[];
      const cancel = await fetch(`${stacks.emulator.url}/chatkit/sessions/${id}/cancel`, {
        method: "POST",
        headers: { authorization: `Bearer ${TEST_API_KEY}`, "openai-beta": "chatkit_beta=v1" },
      });
      assert.equal(cancel.status, 200);
      assert.equal(statusOf(id!), "cancelled");
      assert.equal((await engine.cli(["refresh", "--yes", "--expect-no-changes"])).code, 0);
      assert.equal(sessionsInState(await engine.exportState())["session-0"].outputs.status, "active");
      const run = await engine.cli(["up", "--yes", "--expect-no-changes"]);
      assert.equal(run.code, 0, run.stdout + run.stderr);
    });

    it("marks an expired session expired and keeps it; the next up replaces it, shown as a replace of expiresAt", async () => {
      const engine = await engineStack("refresh-expired", { ttlSeconds: "3", renewBefore: "1" });
      await up(engine);
      const [id] = (await engine.stack.outputs()).ids!.value as string[];
      await new Promise((resolve) => setTimeout(resolve, 3_500));
      const refresh = await engine.cli(["refresh", "--yes"]);
      assert.equal(refresh.code, 0, refresh.stdout + refresh.stderr);
      const recorded = sessionsInState(await engine.exportState())["session-0"];
      assert.equal(recorded.outputs.status, "expired");
      assert.equal(recorded.id, id);
      const preview = await engine.cli(["preview", "--diff"]);
      assert.equal(preview.code, 0, preview.stderr);
      assert.match(preview.stdout, /\+-.*session-0.*replace/s, preview.stdout);
      assert.match(preview.stdout, /expiresAt/, preview.stdout);
      await up(engine);
      assert.deepEqual(await lastChanges(engine), { replace: 1 });
      assert.notEqual(((await engine.stack.outputs()).ids!.value as string[])[0], id);
    });
  });

  describe("edits and targets", () => {
    let engine: EngineStack;
    before(async () => {
      engine = await engineStack("edits", { count: "2", triggers: JSON.stringify({ rotation: "1" }) });
      await up(engine);
    });

    it("shows an edit that replaces in preview --diff, naming the changed input", async () => {
      await engine.stack.setConfig("chatkit-engine:user", { value: "edited-user" });
      const preview = await engine.cli(["preview", "--diff"]);
      assert.equal(preview.code, 0, preview.stderr);
      assert.match(preview.stdout, /\+-.*session-0.*replace/s, preview.stdout);
      assert.match(preview.stdout, /user/, preview.stdout);
      await engine.stack.removeConfig("chatkit-engine:user");
    });

    it("replaces only the session named by --target", async () => {
      const before = (await engine.stack.outputs()).ids!.value as string[];
      await engine.stack.setConfig("chatkit-engine:triggers", { value: JSON.stringify({ rotation: "2" }) });
      const urn = sessionsInState(await engine.exportState())["session-0"].urn;
      await up(engine, "--target", urn);
      assert.equal(statusOf(before[0]!), "cancelled");
      assert.equal(statusOf(before[1]!), "active");
      await up(engine);
      assert.equal(statusOf(before[1]!), "cancelled");
    });

    it("replaces a session with --replace", async () => {
      const before = (await engine.stack.outputs()).ids!.value as string[];
      const urn = sessionsInState(await engine.exportState())["session-1"].urn;
      await up(engine, "--replace", urn);
      const after = (await engine.stack.outputs()).ids!.value as string[];
      assert.equal(after[0], before[0]);
      assert.notEqual(after[1], before[1]);
      assert.equal(statusOf(before[1]!), "cancelled");
    });

    it("keeps no client secret or API key in plain text in the state, and shows them with --show-secrets", async () => {
      const ids = (await engine.stack.outputs()).ids!.value as string[];
      const secrets = ids.map((id) => String(stacks.emulator.session(id)!.clientSecret));
      const text = JSON.stringify(await engine.exportState());
      for (const secret of [...secrets, TEST_API_KEY])
        assert.deepEqual(
          runsOfTen(secret).filter((run) => text.includes(run)),
          [],
          "no ten characters of a secret in the state",
        );
      const shown = JSON.stringify(await engine.exportState(true));
      for (const secret of secrets) assert.ok(shown.includes(secret), "--show-secrets shows each client secret");
    });

    it("cancels every session on destroy and leaves the stack empty", async () => {
      const ids = (await engine.stack.outputs()).ids!.value as string[];
      const run = await engine.cli(["destroy", "--yes"]);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      for (const id of ids) assert.equal(statusOf(id), "cancelled");
      assert.deepEqual(sessionsInState(await engine.exportState()), {});
    });
  });

  describe("resource options", () => {
    it("refuses protect at construction, with the reason, before anything is created", async () => {
      const engine = await engineStack("protect", { options: JSON.stringify({ protect: true }) });
      const created = stacks.emulator.stats.created;
      const run = await engine.cli(["up", "--yes", "--skip-preview"]);
      assert.notEqual(run.code, 0);
      assert.match(run.stdout + run.stderr, /ChatKitSession session-0 cannot be protected/);
      assert.equal(stacks.emulator.stats.created, created);
    });

    it("warns of retainOnDelete, and destroy then leaves the session live", async () => {
      const engine = await engineStack("retain", { options: JSON.stringify({ retainOnDelete: true }) });
      const run = await up(engine);
      assert.match(run.stdout, /has retainOnDelete: Pulumi will not cancel it/);
      const [id] = (await engine.stack.outputs()).ids!.value as string[];
      assert.equal((await engine.cli(["destroy", "--yes"])).code, 0);
      assert.equal(statusOf(id!), "active");
    });

    it("cancels the old session before creating the new one with deleteBeforeReplace", async () => {
      const engine = await engineStack("dbr", { options: JSON.stringify({ deleteBeforeReplace: true }) });
      await up(engine);
      const [id] = (await engine.stack.outputs()).ids!.value as string[];
      const from = stacks.emulator.requests.length;
      await engine.stack.setConfig("chatkit-engine:user", { value: "dbr-user-2" });
      await up(engine);
      const calls = stacks.emulator.requests.slice(from).map((request) => `${request.method} ${request.path}`);
      assert.deepEqual(
        calls.filter((call) => call.startsWith("POST")),
        [`POST /v1/chatkit/sessions/${id}/cancel`, "POST /v1/chatkit/sessions"],
      );
    });

    it("freezes triggers with ignoreChanges, and replaceOnChanges does not turn an update into a replace", async () => {
      const engine = await engineStack("ignore", {
        triggers: JSON.stringify({ rotation: "1" }),
        options: JSON.stringify({ ignoreChanges: ["triggers"], replaceOnChanges: ["renewBefore"] }),
      });
      await up(engine);
      await engine.stack.setConfig("chatkit-engine:triggers", { value: JSON.stringify({ rotation: "2" }) });
      assert.equal((await engine.cli(["up", "--yes", "--expect-no-changes"])).code, 0);
      await engine.stack.setConfig("chatkit-engine:renewBefore", { value: "45" });
      await up(engine);
      assert.deepEqual(await lastChanges(engine), { update: 1 });
    });
  });

  describe("import", () => {
    it("fails pulumi import with the dynamic-provider host's message", async () => {
      const engine = await engineStack("import-cli");
      const run = await engine.cli([
        "import",
        "pulumi-nodejs:dynamic/chatkit:Session",
        "imported",
        "cksess_0123",
        "--yes",
      ]);
      assert.notEqual(run.code, 0);
      assert.match(run.stdout + run.stderr, /code must be a string, not undefined/);
    });

    it("fails the import resource option with the same message", async () => {
      const engine = await engineStack("import-option", { options: JSON.stringify({ import: "cksess_0123" }) });
      const run = await engine.cli(["up", "--yes", "--skip-preview"]);
      assert.notEqual(run.code, 0);
      assert.match(run.stdout + run.stderr, /code must be a string, not undefined/);
    });
  });

  describe("provider config", () => {
    for (const secret of [true, false]) {
      it(`reads chatkit:apiKey and chatkit:baseUrl from ${secret ? "secret" : "plain"} stack config`, async () => {
        const config = { "chatkit:apiKey": TEST_API_KEY, "chatkit:baseUrl": stacks.emulator.url };
        const engine = await engineStack(
          `config-${secret ? "secret" : "plain"}`,
          {},
          {
            env: { OPENAI_API_KEY: "", OPENAI_BASE_URL: "http://127.0.0.1:9/v1" },
          },
        );
        for (const [key, value] of Object.entries(config)) await engine.stack.setConfig(key, { value, secret });
        await up(engine);
        const [id] = (await engine.stack.outputs()).ids!.value as string[];
        assert.equal(statusOf(id!), "active");
        const text = JSON.stringify(await engine.exportState());
        if (secret) assert.ok(!text.includes(TEST_API_KEY.slice(3, 13)), "a secret apiKey is encrypted in state");
        assert.equal((await engine.cli(["destroy", "--yes"])).code, 0);
        assert.equal(statusOf(id!), "cancelled");
      });
    }

    /** A stack whose session was created with TEST_API_KEY, its config then rotated to OTHER_KEY. */
    async function rotated(name: string): Promise<{ engine: EngineStack; id: string }> {
      const engine = await engineStack(name, {}, { env: { OPENAI_API_KEY: "" } });
      await engine.stack.setConfig("chatkit:apiKey", { value: TEST_API_KEY, secret: true });
      await up(engine);
      const [id] = (await engine.stack.outputs()).ids!.value as string[];
      await engine.stack.setConfig("chatkit:apiKey", { value: OTHER_KEY, secret: true });
      return { engine, id: id! };
    }

    it("destroys with the config recorded at the last up, not the current one", async () => {
      const { engine, id } = await rotated("rotated-recorded");
      const run = await engine.cli(["destroy", "--yes"]);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.equal(statusOf(id), "cancelled");
    });

    it("destroys with the current config with --run-program, refusing a 404 from a key that cannot see the session", async () => {
      const { engine, id } = await rotated("rotated-run-program");
      const run = await engine.cli(["destroy", "--yes", "--run-program"]);
      if (stacks.minor < 160) {
        // The docs say --run-program needs CLI 3.160: an older one refuses the flag, destroying nothing.
        assert.notEqual(run.code, 0);
        assert.match(run.stderr, /unknown flag: --run-program/);
        assert.equal(statusOf(id), "active");
        return;
      }
      assert.notEqual(run.code, 0);
      assert.match(run.stdout + run.stderr, /not cancelled/i, run.stdout + run.stderr);
      assert.equal(statusOf(id), "active");
      await engine.stack.setConfig("chatkit:apiKey", { value: TEST_API_KEY, secret: true });
      assert.equal((await engine.cli(["destroy", "--yes", "--run-program"])).code, 0);
      assert.equal(statusOf(id), "cancelled");
    });
  });
});
