import * as assert from "node:assert/strict";
import { useEmulator } from "../helpers/emulator";
import { type Declared, type Engine, reveal, useEngines } from "../helpers/engine";
import { rejection } from "../helpers/rejection";
import { secretWorks } from "../helpers/secret";

const session = (inputs: Record<string, unknown>, options: Declared["options"]): Declared => ({
  name: "session",
  inputs: { user: "options", workflow: { id: "wf_options" }, expiresAfter: 600, renewBefore: 300, ...inputs },
  options: { additionalSecretOutputs: ["clientSecret"], ...options },
});

/** What each resource option does to a session, through the real host with the engine's rules. */
describe("resource options on a session, run the way the engine runs them", function () {
  this.timeout(120_000);
  const ctx = useEmulator();
  const engine = useEngines(ctx);
  const idOf = (run: Engine) => run.state.get("session")?.id as string;
  const statusOf = (id: string) => ctx.emulator.session(id)?.status;
  const ops = (steps: { op: string }[]) => steps.map((step) => step.op);

  it("protect: every up after the renewal window fails, and destroy too (why the class refuses it)", async () => {
    const run = engine();
    const program = [session({}, { protect: true })];
    await run.up(program);
    run.pass(350, ctx.emulator);
    const error = await rejection(run.up(program));
    assert.match(error.message, /unable to replace resource session as it is currently marked for protection/);
    assert.match((await rejection(run.destroy())).message, /cannot be deleted because it is protected/);
    const unprotected = [session({}, { protect: false })];
    assert.deepEqual(ops(await run.up(unprotected)), ["replace", "delete"]);
    await run.destroy();
  });

  it("retainOnDelete: destroy and renewal leave the old sessions live until they expire", async () => {
    const run = engine({ keepHost: true });
    const program = [session({}, { retainOnDelete: true })];
    await run.up(program);
    const first = { id: idOf(run), secret: reveal(run.state.get("session")?.outputs).clientSecret };
    assert.deepEqual(ops(await run.up([session({ triggers: { rotation: "2" } }, { retainOnDelete: true })])), [
      "replace",
      "retain",
    ]);
    assert.deepEqual(ops(await run.destroy()), ["retain"]);
    assert.equal(run.state.size, 0);
    assert.equal(statusOf(first.id), "active");
    assert.equal(await secretWorks(ctx.emulator.url, first.secret), true);
    assert.equal(ctx.emulator.listSessions("active").length >= 2, true);
  });

  it("deleteBeforeReplace: the old session is cancelled before the new one is created", async () => {
    const run = engine({ keepHost: true });
    await run.up([session({}, { deleteBeforeReplace: true })]);
    const old = idOf(run);
    const from = ctx.emulator.requests.length;
    await run.up([session({ user: "someone-else" }, { deleteBeforeReplace: true })]);
    const order = ctx.emulator.requests
      .slice(from)
      .map((request) => (request.path.endsWith("/cancel") ? "cancel" : "create"));
    assert.deepEqual(order, ["cancel", "create"]);
    assert.equal(statusOf(old), "cancelled");
    await run.destroy();
  });

  it("ignoreChanges freezes an input but cannot stop renewal", async () => {
    const run = engine();
    await run.up([session({}, { ignoreChanges: ["user"] })]);
    assert.deepEqual(ops(await run.up([session({ user: "ignored" }, { ignoreChanges: ["user"] })])), ["same"]);
    run.pass(350, ctx.emulator);
    const steps = await run.up([session({ user: "ignored" }, { ignoreChanges: ["user", "expiresAt"] })]);
    assert.deepEqual(steps[0], { name: "session", op: "replace", replaces: ["expiresAt"] });
    await run.destroy();
  });

  it("replaceOnChanges has no effect: the host reports which keys replace, never which changed", async () => {
    const run = engine({ keepHost: true });
    const program = (renewBefore: number) => [session({ renewBefore }, { replaceOnChanges: ["renewBefore", "*"] })];
    await run.up(program(300));
    assert.deepEqual(ops(await run.up(program(200))), ["update"]);
    await run.destroy();
  });

  it("replacementTrigger: a new value replaces the session and cancels the old one", async () => {
    const run = engine({ keepHost: true });
    await run.up([session({}, { replacementTrigger: "a" })]);
    const old = idOf(run);
    assert.deepEqual(ops(await run.up([session({}, { replacementTrigger: "a" })])), ["same"]);
    assert.deepEqual(await run.up([session({}, { replacementTrigger: "b" })]), [
      { name: "session", op: "replace", replaces: ["replacementTrigger"] },
      { name: "session", op: "delete" },
    ]);
    assert.equal(statusOf(old), "cancelled");
    await run.destroy();
  });
});
