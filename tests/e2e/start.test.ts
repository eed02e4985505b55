import * as assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { findPulumiCli } from "../../scripts/pulumiCli";

const REPO_ROOT = path.resolve(__dirname, "../../..");
const run = promisify(execFile);

/**
 * The README's first command in a fresh copy of the repository (the files git tracks, the
 * installed node_modules beside them): npm start runs a real `pulumi up` against the emulator,
 * and the two commands it prints next work.
 */
describe("npm start in a fresh clone, with the real Pulumi CLI", function () {
  this.timeout(30 * 60_000);
  let clone: string;
  let env: NodeJS.ProcessEnv;
  const npm = (args: string[]) => run("npm", args, { cwd: clone, env, maxBuffer: 64 * 1024 * 1024 });

  before(async function () {
    const cli = await findPulumiCli(8_000);
    if (!cli.found) {
      console.log(`      skipped: no Pulumi CLI could be found or built (${cli.reason})`);
      this.skip();
    }
    clone = fs.mkdtempSync(path.join(os.tmpdir(), "chatkit-fresh-"));
    const files = execFileSync("git", ["ls-files", "-z"], { cwd: REPO_ROOT }).toString().split("\0").filter(Boolean);
    for (const file of files) {
      if (!fs.existsSync(path.join(REPO_ROOT, file))) continue;
      fs.mkdirSync(path.dirname(path.join(clone, file)), { recursive: true });
      fs.copyFileSync(path.join(REPO_ROOT, file), path.join(clone, file));
    }
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(clone, "node_modules"));
    // No key anywhere: npm start must choose the emulator on its own.
    env = { ...process.env, OPENAI_API_KEY: "", OPENAI_BASE_URL: "", PULUMI_CONFIG_PASSPHRASE: "" };
    delete env.OPENAI_API_KEY;
    delete env.OPENAI_BASE_URL;
    delete env.PULUMI_CONFIG_PASSPHRASE;
  });

  after(() => {
    if (clone) fs.rmSync(clone, { recursive: true, force: true });
  });

  it("runs pulumi up against the emulator and prints the outputs, the secret masked", async () => {
    const { stdout, stderr } = await npm(["start"]);
    assert.match(stdout, /No API key configured: using the local ChatKit emulator/);
    assert.match(stdout, /support-chat created/);
    assert.match(stdout, /clientSecret +"\[secret\]"/);
    assert.match(stdout, /sessionId +"cksess_[0-9a-f]+"/);
    assert.doesNotMatch(stdout + stderr, /ek_[0-9a-f]{10}/, "no client secret printed");
    assert.doesNotMatch(stderr, /error:/, stderr);
  });

  it("reveals the client secret with the command it printed", async () => {
    const { stdout } = await npm([
      "run",
      "pulumi",
      "--silent",
      "--",
      "stack",
      "output",
      "--show-secrets",
      "clientSecret",
    ]);
    assert.match(stdout.trim(), /^ek_[0-9a-f]{16,}$/);
  });

  it("runs again after a change that replaces the session: the old one's cancel reaches the address it recorded", async () => {
    await npm(["run", "pulumi", "--silent", "--", "config", "set", "user", "another-user"]);
    const { stdout, stderr } = await npm(["start"]);
    assert.match(stdout, /support-chat replaced/);
    assert.match(stdout, /support-chat deleted original/);
    assert.doesNotMatch(stdout + stderr, /was not cancelled|error:/, stdout + stderr);
  });

  it("empties the stack with npm run destroy", async () => {
    const { stdout } = await npm(["run", "destroy"]);
    assert.match(stdout, /support-chat deleted/);
    const { stdout: exported } = await npm(["run", "pulumi", "--silent", "--", "stack", "export"]);
    const resources = (JSON.parse(exported) as { deployment: { resources?: unknown[] } }).deployment.resources ?? [];
    assert.deepEqual(resources, []);
  });
});
