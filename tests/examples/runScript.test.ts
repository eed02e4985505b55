import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { TEST_API_KEY, useEmulator } from "../helpers/emulator";

const REPO_ROOT = path.resolve(__dirname, "../../..");
const RUN_SH = path.join(REPO_ROOT, "examples", "pipeline", "run.sh");

/**
 * A stand-in for the Pulumi CLI that does what the pipeline stack would: `up` creates a session
 * on the emulator, `stack output` shows its client secret until `destroy` cancels it. It logs
 * every call. STAND_IN_SECRET replaces the secret it reports, to make the smoke step fail;
 * STAND_IN_UP_EXIT and STAND_IN_DESTROY_EXIT make `up` or `destroy` fail with that status.
 */
const STAND_IN = `#!${process.execPath}
const fs = require("fs");
const args = process.argv.slice(2);
const env = process.env;
const stateFile = env.STAND_IN_STATE;
const state = fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, "utf8")) : {};
fs.appendFileSync(env.STAND_IN_LOG, args.join(" ") + "\\n");
const headers = { authorization: "Bearer " + env.OPENAI_API_KEY, "content-type": "application/json", "openai-beta": "chatkit_beta=v1" };
(async () => {
  if (args[0] === "version") return console.log("v3.999.0-stand-in");
  if (args[0] === "up" && env.STAND_IN_UP_EXIT) process.exit(Number(env.STAND_IN_UP_EXIT));
  if (args[0] === "destroy" && env.STAND_IN_DESTROY_EXIT) process.exit(Number(env.STAND_IN_DESTROY_EXIT));
  if (args[0] === "up") {
    const session = await (await fetch(env.OPENAI_BASE_URL + "/chatkit/sessions", { method: "POST", headers, body: JSON.stringify({ user: "ci-run-standin", workflow: { id: "wf_standin" } }) })).json();
    fs.writeFileSync(stateFile, JSON.stringify({ id: session.id, secret: env.STAND_IN_SECRET || session.client_secret }));
  } else if (args[0] === "stack" && args[1] === "output") {
    process.stdout.write(state.secret ? state.secret + "\\n" : "");
  } else if (args[0] === "destroy") {
    if (state.id) await fetch(env.OPENAI_BASE_URL + "/chatkit/sessions/" + state.id + "/cancel", { method: "POST", headers });
    fs.writeFileSync(stateFile, "{}");
  }
})().catch((error) => { console.error(error); process.exit(1); });
`;

describe("the pipeline's run.sh, with a stand-in for the Pulumi CLI", function () {
  // A run starts a dozen node processes: 31 s on a 2-core machine under a load of 15. Their time
  // is not what is checked, so the limit only stops a hang.
  this.timeout(300_000);
  const ctx = useEmulator();
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "chatkit-runsh-"));
    fs.writeFileSync(path.join(dir, "pulumi"), STAND_IN, { mode: 0o755 });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const runScript = (env: Record<string, string> = {}) =>
    promisify(execFile)("bash", [RUN_SH], {
      env: {
        PATH: [dir, path.dirname(process.execPath), "/usr/bin", "/bin"].join(path.delimiter),
        HOME: os.homedir(),
        OPENAI_BASE_URL: ctx.emulator.url,
        OPENAI_API_KEY: TEST_API_KEY,
        STACK: "ci-standin",
        STAND_IN_LOG: path.join(dir, "calls.log"),
        STAND_IN_STATE: path.join(dir, "state.json"),
        CHATKIT_SMOKE_PROOF_DIR: path.join(dir, "proof"),
        ...env,
      },
    });
  const calls = () => fs.readFileSync(path.join(dir, "calls.log"), "utf8").trim().split("\n");

  it("runs up, the smoke step, destroy, then the revoked check with the same secret", async () => {
    const { stdout } = await runScript();
    assert.match(stdout, /smoke: the client secret works/);
    assert.match(stdout, /smoke: the client secret was revoked by destroy \(the same call worked before it\)/);
    assert.deepEqual(calls(), [
      "version",
      "stack select --create ci-standin",
      "up --yes --skip-preview",
      "stack output clientSecret --show-secrets",
      "destroy --yes --skip-preview",
      "stack rm --yes ci-standin",
    ]);
    assert.deepEqual(ctx.emulator.listSessions("active"), []);
  });

  it("still destroys and removes the stack when the smoke step fails, and fails", async () => {
    const failure = await runScript({ STAND_IN_SECRET: "ek_not_a_secret_the_api_knows" }).then(
      () => assert.fail("run.sh passed"),
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal(failure.code, 1);
    assert.match(failure.stderr, /smoke: failed: the local emulator does not know this client secret/);
    assert.deepEqual(calls().slice(-2), ["destroy --yes --skip-preview", "stack rm --yes ci-standin"]);
    assert.deepEqual(ctx.emulator.listSessions("active"), []);
  });

  it("exits with the status of the step that failed first, even when the destroy after it fails too", async () => {
    const failure = await runScript({ STAND_IN_UP_EXIT: "255", STAND_IN_DESTROY_EXIT: "1" }).then(
      () => assert.fail("run.sh passed"),
      (error: { code: number }) => error,
    );
    assert.equal(failure.code, 255);
    assert.deepEqual(calls().slice(-3), [
      "up --yes --skip-preview",
      "destroy --yes --skip-preview",
      "stack rm --yes ci-standin",
    ]);
    const destroyOnly = await runScript({ STAND_IN_DESTROY_EXIT: "3" }).then(
      () => assert.fail("run.sh passed"),
      (error: { code: number }) => error,
    );
    assert.equal(destroyOnly.code, 3, "a destroy that fails on its own fails the run with its status");
  });

  it("stops before anything when there is no Pulumi CLI, saying how to install one", async () => {
    fs.rmSync(path.join(dir, "pulumi"));
    const failure = await runScript().then(
      () => assert.fail("run.sh passed"),
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal(failure.code, 1);
    assert.match(failure.stderr, /run\.sh: the Pulumi CLI is missing: no `pulumi` program was found/);
    assert.match(failure.stderr, /curl -fsSL https:\/\/get\.pulumi\.com \| sh/);
    assert.match(failure.stderr, /PULUMI_BIN/);
  });
});
