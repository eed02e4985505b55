import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import type { EngineStack } from "../../scripts/engine/stack";
import { useEngineStacks } from "../helpers/engineStacks";

const HELD_MS = 6_000;

/**
 * The CLI interrupted while a create is in flight (the emulator holds the create for a few
 * seconds, then acts), and the recovery a user would run: what the state says, and whether a
 * session can stay live without being in state.
 */
describe("pulumi up interrupted during a create, and the recovery", function () {
  this.timeout(30 * 60_000);
  const stacks = useEngineStacks();
  const engineStack = (name: string) => stacks.stack(name);

  /** Starts `pulumi up`, waits until the emulator holds its create, sends the signal, and waits for the exit. */
  async function interruptedUp(engine: EngineStack, signal: NodeJS.Signals, group: boolean) {
    stacks.emulator.inject({ kind: "latency", on: "create", delayMs: HELD_MS });
    const held = stacks.emulator.stats.faults.latency ?? 0;
    const child = spawn(
      stacks.bin,
      ["up", "--yes", "--skip-preview", "--non-interactive", "--stack", engine.stack.name],
      {
        cwd: engine.stack.workspace.workDir,
        env: { ...process.env, ...engine.env },
        detached: true,
      },
    );
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    while ((stacks.emulator.stats.faults.latency ?? 0) === held)
      await new Promise((resolve) => setTimeout(resolve, 50));
    if (group) process.kill(-child.pid!, signal);
    else child.kill(signal);
    const code = await exited;
    return { code, output };
  }

  const liveIds = () => stacks.emulator.listSessions("active").map((session) => session.id);
  const idsInState = async (engine: EngineStack) =>
    ((await engine.exportState()).deployment.resources ?? [])
      .filter((resource: any) => String(resource.type).startsWith("pulumi-nodejs:dynamic"))
      .map((resource: any) => resource.id as string);

  it("SIGINT: the CLI waits for the create in flight and records it; nothing live is left out of the state", async () => {
    const engine = await engineStack("sigint");
    const before = new Set(liveIds());
    const run = await interruptedUp(engine, "SIGINT", false);
    // Failed: 1 since CLI 3.1xx, 255 on the floor 3.139.
    assert.ok(run.code !== 0 && run.code !== null, `exit ${run.code}`);
    assert.match(run.output, /\^C received; cancelling/);
    assert.match(run.output, /session-0 created/);
    assert.match(run.output, /error: update canceled/);
    const created = liveIds().filter((id) => !before.has(id));
    assert.equal(created.length, 1);
    assert.deepEqual(await idsInState(engine), created, "the session created in flight is in state");
    assert.deepEqual((await engine.exportState()).deployment.pending_operations ?? [], []);
    const up = await engine.cli(["up", "--yes", "--skip-preview"]);
    assert.equal(up.code, 0, up.stdout + up.stderr);
    assert.equal((await engine.cli(["destroy", "--yes"])).code, 0);
    assert.deepEqual(
      liveIds().filter((id) => !before.has(id)),
      [],
    );
  });

  for (const group of [false, true]) {
    it(`SIGKILL of the ${group ? "CLI and its plugins (the process group)" : "CLI alone"}: a pending create and a lock in state; cancel, refresh --clear-pending-creates and up recover; a session created meanwhile lives at most its expiresAfter`, async () => {
      const engine = await engineStack(group ? "sigkill-group" : "sigkill");
      const before = new Set(liveIds());
      const run = await interruptedUp(engine, "SIGKILL", group);
      assert.equal(run.code, null, "killed");
      // The emulator acts once its hold ends, whether or not anyone waits for the answer, as an API may.
      await new Promise((resolve) => setTimeout(resolve, HELD_MS + 1_000));
      const orphans = liveIds().filter((id) => !before.has(id));
      assert.equal(orphans.length, 1, "the killed run's create went through");
      const pending = (await engine.exportState()).deployment.pending_operations ?? [];
      assert.deepEqual(
        pending.map((op: any) => op.type),
        ["creating"],
      );
      assert.deepEqual(await idsInState(engine), [], "the engine never learnt the session's id");

      const locked = await engine.cli(["up", "--yes", "--skip-preview"]);
      assert.notEqual(locked.code, 0);
      assert.match(locked.stderr, /the stack is currently locked by 1 lock\(s\).*pulumi cancel/s);
      assert.equal((await engine.cli(["cancel", "--yes"])).code, 0);
      const up = await engine.cli(["up", "--yes", "--skip-preview"]);
      assert.equal(up.code, 0, up.stdout + up.stderr);
      assert.match(
        up.stdout,
        /1 pending operations from previous deployment[\s\S]*session-0, interrupted while creating/,
      );
      const refresh = await engine.cli(["refresh", "--yes", "--clear-pending-creates"]);
      assert.equal(refresh.code, 0, refresh.stdout + refresh.stderr);
      assert.deepEqual((await engine.exportState()).deployment.pending_operations ?? [], []);

      assert.equal((await engine.cli(["destroy", "--yes"])).code, 0);
      const left = liveIds().filter((id) => !before.has(id));
      assert.deepEqual(left, orphans, "only the killed run's session is live, outside the state");
      const orphan = stacks.emulator.session(orphans[0]!)!;
      assert.ok(orphan.expiresAt - orphan.createdAt <= 600, "and it lives at most its expiresAfter");
    });
  }
});
