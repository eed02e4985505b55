import * as assert from "node:assert/strict";
import { type Emulator, startEmulator } from "../../emulator/server";
import { Engine, engineOptions, reveal } from "../helpers/engine";
import { serializedProvider } from "../helpers/mocks";
import { secretWorks } from "../helpers/secret";

const SKEWS = [30, 120, 900, -30, -120, -900];
const program = [
  {
    name: "session",
    inputs: { user: "clock", workflow: { id: "wf_clock" }, expiresAfter: 600, renewBefore: 300 },
    options: { additionalSecretOutputs: ["clientSecret"] },
  },
];

const describeSkew = (skew: number) =>
  `${Math.abs(skew) >= 120 ? `${Math.abs(skew) / 60} min` : `${Math.abs(skew)} s`} ${skew > 0 ? "ahead" : "behind"}`;

/** One whole run with this machine's clock `skew` seconds off; each command in a new host process. */
async function run(skew: number, provider: string): Promise<void> {
  const emulator: Emulator = await startEmulator();
  const engine = new Engine(engineOptions(emulator.url, provider));
  engine.machineClockShiftMs = skew * 1000;
  const secretOf = () => reveal(engine.state.get("session")?.outputs).clientSecret as string;
  const calls = () => emulator.requests.length;
  try {
    assert.deepEqual(
      (await engine.up(program)).map((s) => s.op),
      ["create"],
    );
    assert.match(engine.lastStderr, /warning: This machine's clock is .* (ahead of|behind) the ChatKit API's/);
    const first = { id: engine.state.get("session")?.id as string, secret: secretOf() };

    // Each step moves the clocks to a set age of the first session, whatever real time the
    // commands before it took on a busy machine; the margins (100 s and more) are for the real
    // time of the step's own command.
    const passToAge = (seconds: number) =>
      engine.pass(seconds - (emulator.nowSeconds() - emulator.session(first.id)!.createdAt), emulator);

    // 200 s old, about 400 s left, more than renewBefore: an up keeps it, without any API call,
    // and its secret works.
    passToAge(200);
    const before = calls();
    assert.deepEqual(
      (await engine.up(program)).map((s) => s.op),
      ["same"],
    );
    assert.equal(calls(), before);
    assert.equal(await secretWorks(emulator.url, secretOf()), true, "an up kept a dead secret");

    // 350 s old, at most 250 s left: renewed, and the replaced session is cancelled.
    passToAge(350);
    assert.deepEqual(
      (await engine.up(program)).map((s) => s.op),
      ["replace", "delete"],
    );
    assert.equal(await secretWorks(emulator.url, first.secret), false);
    assert.equal(emulator.session(first.id)?.status, "cancelled");
    assert.equal(await secretWorks(emulator.url, secretOf()), true);

    // Past the new session's expiry: refresh marks it expired and keeps it.
    engine.pass(700, emulator);
    const refreshed = await engine.refresh();
    assert.deepEqual(
      refreshed.map((s) => [s.op, s.changed]),
      [["refresh", true]],
    );
    assert.equal(engine.state.get("session")?.outputs.status, "expired");

    // Destroy sends the cancel anyway: nothing is left active, and the state is empty.
    await engine.destroy();
    assert.equal(engine.state.size, 0);
    assert.deepEqual(emulator.listSessions("active"), []);
    assert.equal(emulator.stats.created, 2);
    assert.equal(
      emulator.requests.filter((r) => r.path.endsWith("/cancel")).length,
      2,
      "every session created got its cancel",
    );
  } finally {
    await emulator.close();
  }
}

describe("whole runs through the real host with this machine's clock off", function () {
  // Thirty host processes, each loading @pulumi/pulumi: 85 s on a 2-core machine under a load of
  // 18. No assertion depends on how long they take (the clock moves by pass()), so the limit only
  // stops a hang.
  this.timeout(600_000);
  let provider: string;
  before(async () => {
    provider = await serializedProvider();
  });

  // Six runs of five commands each, every command in its own host process: run side by side.
  it(`keeps, renews, refreshes and destroys right with the clock ${SKEWS.map(describeSkew).join(", ")}`, async () => {
    const results = await Promise.allSettled(SKEWS.map((skew) => run(skew, provider)));
    const failed = results.flatMap((result, index) =>
      result.status === "rejected" ? [`${describeSkew(SKEWS[index] as number)}: ${result.reason}`] : [],
    );
    assert.deepEqual(failed, []);
  });
});
