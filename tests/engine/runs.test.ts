import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { UNKNOWN } from "../../provider/unknown";
import { ChatKitSession } from "../../sdk/chatkitSession";
import { TEST_API_KEY, useEmulator } from "../helpers/emulator";
import { type Declared, type Engine, reveal, secret, secretPaths, useEngines } from "../helpers/engine";
import { runUnderMocks } from "../helpers/mocks";
import { rejection } from "../helpers/rejection";
import { secretWorks } from "../helpers/secret";

const session = (inputs: Record<string, unknown> = {}, options: Declared["options"] = {}): Declared => ({
  name: "session",
  inputs: { user: "runs", workflow: { id: "wf_runs" }, ...inputs },
  options: { additionalSecretOutputs: ["clientSecret"], ...options },
});

describe("whole runs through the real host, with the engine's step rules", function () {
  this.timeout(120_000);
  const ctx = useEmulator();
  const engine = useEngines(ctx);
  const secretOf = (run: Engine) => reveal(run.state.get("session")?.outputs).clientSecret as string;
  const idOf = (run: Engine) => run.state.get("session")?.id as string;
  const statusOf = (id: string) => ctx.emulator.session(id)?.status;
  const ops = (steps: { op: string }[]) => steps.map((step) => step.op);

  it("preview, up, up again with no API call, refresh with no change, destroy that cancels", async () => {
    const run = engine({ keepHost: true });
    assert.deepEqual(ops(await run.preview([session()])), ["create"]);
    assert.equal(run.state.size, 0);
    assert.deepEqual(ops(await run.up([session()])), ["create"]);
    assert.equal(await secretWorks(ctx.emulator.url, secretOf(run)), true);
    const calls = ctx.emulator.requests.length;
    assert.deepEqual(ops(await run.up([session()])), ["same"]);
    assert.equal(ctx.emulator.requests.length, calls);
    await run.refresh({ expectNoChanges: true });
    const id = idOf(run);
    const secretBefore = secretOf(run);
    assert.deepEqual(ops(await run.destroy()), ["delete"]);
    assert.equal(statusOf(id), "cancelled");
    assert.equal(await secretWorks(ctx.emulator.url, secretBefore), false);
  });

  it("cannot see a cancel made outside Pulumi; triggers and --replace force a new session", async () => {
    const run = engine({ keepHost: true });
    await run.up([session()]);
    const cancelledElsewhere = idOf(run);
    const answer = await fetch(`${ctx.emulator.url}/chatkit/sessions/${cancelledElsewhere}/cancel`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_API_KEY}`, "openai-beta": "chatkit_beta=v1" },
    });
    assert.equal(answer.status, 200);
    // What refresh can know is the state and the clock: it still looks live.
    await run.refresh({ expectNoChanges: true });
    assert.deepEqual(ops(await run.up([session()])), ["same"]);
    assert.equal(await secretWorks(ctx.emulator.url, secretOf(run)), false);

    assert.deepEqual(await run.up([session()], { replace: ["session"] }), [
      { name: "session", op: "replace", replaces: ["id"] },
      { name: "session", op: "delete" },
    ]);
    assert.equal(await secretWorks(ctx.emulator.url, secretOf(run)), true);
    const replaced = idOf(run);
    assert.deepEqual(await run.up([session({ triggers: { rotation: "2" } })]), [
      { name: "session", op: "replace", replaces: ["triggers"] },
      { name: "session", op: "delete" },
    ]);
    assert.equal(statusOf(replaced), "cancelled");
    await run.destroy();
  });

  it("refresh inside the renewal window reports the coming renewal; right after up it reports none", async () => {
    const run = engine();
    const program = [session({ expiresAfter: 600, renewBefore: 300 })];
    await run.up(program);
    run.pass(350, ctx.emulator);
    const error = await rejection(run.refresh({ expectNoChanges: true }));
    assert.match(error.message, /no changes were expected for refresh/);
    assert.equal(run.state.get("session")?.outputs.status, "active", "refresh left the live session as it was");
    assert.deepEqual(ops(await run.up(program)), ["replace", "delete"]);
    await run.refresh({ expectNoChanges: true });
    await run.destroy();
  });

  it("fails an import in the host, before any provider code runs, the way the engine sends it", async () => {
    const error = await rejection(engine().import("cksess_0123456789abcdef"));
    assert.match(error.message, /code must be a string, not undefined/);
  });

  it("checks the renewBefore rule in a preview where another input is unknown", async () => {
    const run = engine();
    const error = await rejection(run.preview([session({ user: UNKNOWN, renewBefore: 700 })]));
    assert.match(error.message, /renewBefore: renewBefore must be less than the session's lifetime \(600 s\)/);
  });

  it("keeps odd states on refresh, and replaces and cancels them on up; destroy cancels them", async () => {
    const run = engine({ keepHost: true });
    const shapes: [string, (outputs: Record<string, any>) => Record<string, any>][] = [
      ["only __provider", (outputs) => ({ __provider: outputs.__provider })],
      ["status missing", ({ status: _status, ...rest }) => rest],
      ["expiresAt in milliseconds", (outputs) => ({ ...outputs, expiresAt: outputs.expiresAt * 1000 })],
    ];
    for (const [shape, reshape] of shapes) {
      await run.up([session()]);
      const old = run.state.get("session")!;
      run.state.set("session", { ...old, outputs: reshape(old.outputs) });
      await run.refresh();
      assert.equal(idOf(run), old.id, `${shape}: refresh kept it`);
      const steps = ops(await run.up([session()]));
      if (shape === "expiresAt in milliseconds") {
        assert.deepEqual(steps, ["same"], shape);
        assert.equal(run.state.get("session")?.outputs.expiresAt, old.outputs.expiresAt, "read as seconds");
      } else {
        assert.deepEqual(steps, ["replace", "delete"], shape);
        assert.equal(statusOf(old.id), "cancelled", `${shape}: the replaced session was cancelled`);
      }
      const last = idOf(run);
      await run.destroy();
      assert.equal(statusOf(last), "cancelled");
    }
  });

  it("stores every output derived from a secret input as a secret", async () => {
    const program = () =>
      new ChatKitSession("session", {
        user: "runs",
        workflow: { id: "wf_runs", stateVariables: { token: pulumi.secret("tok") } },
        expiresAfter: pulumi.secret(300),
      });
    const { registrations } = await runUnderMocks(program);
    const run = engine({ keepHost: true });
    await run.up([
      {
        name: "session",
        inputs: {
          user: "runs",
          workflow: { id: "wf_runs", stateVariables: { token: secret("tok") } },
          expiresAfter: secret(300),
        },
        options: { additionalSecretOutputs: registrations[0]?.additionalSecretOutputs },
      },
    ]);
    const stored = secretPaths(run.state.get("session")?.outputs).sort();
    assert.deepEqual(stored, [
      "clientSecret",
      "expiresAfter",
      "expiresAt",
      "renewBefore",
      "workflow.stateVariables.token",
    ]);
    await run.destroy();
  });

  it("fails with what to do when the package is uninstalled, keeps the sessions, and cancels them once reinstalled", async () => {
    const run = engine({ keepHost: true });
    await run.up([session()]);
    const id = idOf(run);
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "chatkit-uninstalled-"));
    try {
      const uninstalled = engine({ cwd: elsewhere });
      uninstalled.state.set("session", run.state.get("session")!);
      for (const command of [
        () => uninstalled.up([session()]),
        () => uninstalled.refresh(),
        () => uninstalled.destroy(),
      ]) {
        const error = await rejection(command());
        assert.match(
          error.message,
          /npm package pulumi-chatkit, which manages this stack's ChatKit sessions, cannot be loaded/,
        );
        assert.match(error.message, /Cannot find module 'pulumi-chatkit\/provider'/);
        assert.match(
          error.message,
          /Install it again in this project, from the tarball or git URL it came from, and rerun: uninstall it only after pulumi destroy/,
        );
        // The name is not on the registry: whoever registered it would be handed the stack's config.
        assert.doesNotMatch(error.message, /npm (install|i) pulumi-chatkit/);
      }
      assert.equal(uninstalled.state.get("session")?.id, id);
      assert.equal(statusOf(id), "active");
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
    await run.destroy();
    assert.equal(statusOf(id), "cancelled");
  });
});
