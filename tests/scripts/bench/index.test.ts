import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const BENCH = path.resolve(__dirname, "../../../scripts/bench/index.js");

function bench(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BENCH, ...args], { timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The check phase for one round, then one bulk run of `creates` creates against a limit of `rate` a minute. */
const checkAndBulk = (creates: number, rate: number, ...more: string[]) =>
  bench([
    "--phases",
    "check,bulk",
    "--rounds",
    "1",
    "--bulk",
    String(creates),
    "--rate",
    String(rate),
    "--bulk-runs",
    "1",
    ...more,
  ]);

/** The pids of the emulators a bench run said it started. */
const startedPids = (stderr: string) =>
  [...stderr.matchAll(/emulator started \(pid (\d+)\)/g)].map((m) => Number(m[1]));
const alive = (pid: number) =>
  fs.existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, "utf8"));

describe("npm run bench", function () {
  this.timeout(180_000);

  it("prints its figures and leaves no emulator running after a short run", async () => {
    const { code, stdout, stderr } = await checkAndBulk(30, 600);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /\| check \+ diff per resource \(1,000 resources\) \|/);
    assert.match(stdout, /\| bulk: 30 creates, concurrency 16, limit 600\/min, chatkit:maxRetries 10 \|/);
    const pids = startedPids(stderr);
    assert.equal(pids.length, 2, "a shared emulator and one for the bulk run");
    assert.deepEqual(pids.filter(alive), []);
  });

  it("on failure prints what it measured so far, says so, and stops every emulator it started", async () => {
    // Five creates against a limit of one a minute, with a one-second retry budget: the bulk phase must fail.
    const { code, stdout, stderr } = await checkAndBulk(5, 1, "--retry-budget", "1");
    assert.equal(code, 1);
    assert.match(stderr, /bench: failed; the figures measured before the failure:/);
    assert.match(
      stdout,
      /\| check \+ diff per resource \(1,000 resources\) \|/,
      "the figures measured before the failure were printed",
    );
    assert.doesNotMatch(stdout, /\| bulk:/);
    const pids = startedPids(stderr);
    assert.equal(pids.length, 2);
    assert.deepEqual(pids.filter(alive), []);
  });

  it("measures the emulator under event streams, some never reading, and leaves no emulator running", async () => {
    const { code, stdout, stderr } = await bench(["--phases", "streams", "--streams-seconds", "2"]);
    assert.equal(code, 0, stderr);
    assert.match(
      stdout,
      /\| emulator create p90 under event streams \(500 streams, 100 never reading, 40 creates over 2 s\) \|/,
    );
    assert.match(stdout, /\| emulator stayed up, streams still open \| 500 \|/);
    assert.match(stdout, /\| emulator heap growth under event streams \(after GC\) \|/);
    const pids = startedPids(stderr);
    assert.equal(pids.length, 1);
    assert.deepEqual(pids.filter(alive), []);
  });

  it("refuses an unknown phase before starting anything", async () => {
    const { code, stderr } = await bench(["--phases", "warp"]);
    assert.equal(code, 1);
    assert.match(stderr, /unknown phase 'warp'/);
    assert.deepEqual(startedPids(stderr), []);
  });
});
