import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { freePort } from "../helpers/ports";

const REPO_ROOT = path.resolve(__dirname, "../../..");
const START = path.join(REPO_ROOT, "dist", "scripts", "start.js");
const DESTROY = path.join(REPO_ROOT, "dist", "scripts", "destroy.js");
const run = promisify(execFile);

/** What pulumi stack export prints for a stack holding one session created at `baseUrl`. */
const exported = (baseUrl: string) =>
  JSON.stringify({
    version: 3,
    deployment: {
      resources: [
        { type: "pulumi:pulumi:Stack", outputs: {} },
        {
          type: "pulumi-nodejs:dynamic:Resource",
          outputs: { apiEndpoint: { baseUrl, keyFingerprint: "0123456789ab" } },
        },
      ],
    },
  });

/**
 * Preloaded (NODE_OPTIONS) into a script and the processes it starts: this machine is offline,
 * every fetch fails at once, as it does without a network, whatever network the tests run on.
 */
const OFFLINE = `globalThis.fetch = async (url) => {
  throw new TypeError("fetch failed: getaddrinfo ENOTFOUND " + new URL(String(url)).hostname + " (offline in this test)");
};
`;

/**
 * A recording stand-in for the Pulumi CLI: it logs each call (arguments and the environment npm
 * start prepared) and answers the few calls whose output npm start reads. It checks npm start's
 * own logic; the real CLI is exercised by the end-to-end tests where it exists.
 */
const STAND_IN = `#!${process.execPath}
const fs = require("fs");
const args = process.argv.slice(2);
const env = process.env;
fs.appendFileSync(env.STAND_IN_LOG, JSON.stringify({ args, backend: env.PULUMI_BACKEND_URL, passphrase: env.PULUMI_CONFIG_PASSPHRASE, baseUrl: env.OPENAI_BASE_URL, apiKey: env.OPENAI_API_KEY }) + "\\n");
if (args[0] === "version") console.log(env.STAND_IN_VERSION || "v3.999.0-stand-in");
else if (args[0] === "config" && args[1] === "get") process.exit(1);
else if (args[0] === "stack" && args[1] === "export") console.log(env.STAND_IN_EXPORT || "");
else if (args[0] === "stack" && args[1] === "output") console.log(JSON.stringify({ sessionId: "cksess_standin", clientSecret: "[secret]" }));
`;

describe("npm start and npm run destroy", function () {
  this.timeout(60_000);
  let bin: string;
  let log: string;
  const pathWithout = (extra?: string) =>
    [extra, path.dirname(process.execPath), "/usr/bin", "/bin"].filter(Boolean).join(path.delimiter);

  /** Runs a script with the stand-in first on PATH; returns what it printed and the CLI calls it made. */
  async function withStandIn(script: string, env: Record<string, string> = {}) {
    fs.rmSync(log, { force: true });
    const { stdout } = await run(process.execPath, [script], {
      cwd: REPO_ROOT,
      env: { PATH: pathWithout(bin), HOME: os.homedir(), STAND_IN_LOG: log, ...env },
    });
    const calls = fs
      .readFileSync(log, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    return { stdout, calls };
  }

  // npm start makes the local state folder; a test run must not leave one behind where there was none.
  const stateDir = path.join(REPO_ROOT, ".pulumi-state");
  let stateDirExisted = false;

  before(() => {
    stateDirExisted = fs.existsSync(stateDir);
    bin = fs.mkdtempSync(path.join(os.tmpdir(), "chatkit-standin-"));
    log = path.join(bin, "calls.jsonl");
    fs.writeFileSync(path.join(bin, "pulumi"), STAND_IN, { mode: 0o755 });
    fs.writeFileSync(path.join(bin, "offline.js"), OFFLINE);
  });
  after(() => {
    fs.rmSync(bin, { recursive: true, force: true });
    if (!stateDirExisted) fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it("stops at once with what to install when no CLI can be found or fetched", async () => {
    const started = Date.now();
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "chatkit-nohome-"));
    const failure = await run(process.execPath, [START], {
      cwd: REPO_ROOT,
      env: {
        PATH: pathWithout(),
        HOME: home,
        PULUMI_HOME: home,
        PULUMI_VERSION: "0.0.0-none",
        NODE_OPTIONS: `--require ${path.join(bin, "offline.js")}`,
      },
    }).then(
      () => assert.fail("npm start succeeded without a CLI"),
      (error: { code: number; stderr: string }) => error,
    );
    fs.rmSync(home, { recursive: true, force: true });
    assert.equal(failure.code, 1);
    // What is missing, why, and how to install it the official ways.
    assert.match(failure.stderr, /^npm start: The Pulumi CLI is missing: no `pulumi` program could be run/);
    assert.match(
      failure.stderr,
      /only a launcher that downloads the CLI binary from get\.pulumi\.com on first use, and that download failed \(fetch failed: getaddrinfo ENOTFOUND get\.pulumi\.com \(offline in this test\)/,
    );
    assert.match(failure.stderr, /curl -fsSL https:\/\/get\.pulumi\.com \| sh/);
    assert.match(failure.stderr, /brew install pulumi\/tap\/pulumi/);
    assert.match(failure.stderr, /set PULUMI_BIN/);
    assert.doesNotMatch(failure.stderr, /let `npm install` bring/);
    assert.ok(Date.now() - started < 45_000);
  });

  it("stops before any change when the CLI is older than 3.139, saying the chatkit config would not arrive", async () => {
    for (const script of [START, DESTROY]) {
      fs.rmSync(log, { force: true });
      const failure = await run(process.execPath, [script], {
        cwd: REPO_ROOT,
        env: { PATH: pathWithout(bin), HOME: os.homedir(), STAND_IN_LOG: log, STAND_IN_VERSION: "v3.138.0" },
      }).then(
        () => assert.fail(`${path.basename(script)} went on with CLI 3.138`),
        (error: { code: number; stderr: string }) => error,
      );
      assert.equal(failure.code, 1);
      assert.match(failure.stderr, /Pulumi CLI v3\.138\.0 is older than 3\.139\.0/);
      assert.match(failure.stderr, /`chatkit:apiKey` and the other `chatkit:` settings would silently not arrive/);
      const calls = fs.readFileSync(log, "utf8").trim().split("\n");
      assert.deepEqual(
        calls.map((line) => JSON.parse(line).args.join(" ")),
        ["version"],
      );
    }
  });

  it("uses the CLI that PULUMI_BIN names when it is not on PATH", async () => {
    const { calls } = await withStandIn(DESTROY, { PATH: pathWithout(), PULUMI_BIN: path.join(bin, "pulumi") });
    assert.deepEqual(
      calls.map((call) => call.args.join(" ")),
      ["version", "config get chatkit:apiKey --stack dev", "stack export --stack dev", "destroy --yes --stack dev"],
    );
  });

  it("runs up on the local dev stack against the emulator and prints the outputs, secret masked", async () => {
    const { stdout, calls } = await withStandIn(START);
    assert.deepEqual(
      calls.map((call) => call.args.join(" ")),
      [
        "version",
        "stack select --create dev",
        "config get chatkit:apiKey --stack dev",
        "stack export --stack dev",
        "up --yes --stack dev",
        "stack output --json --stack dev",
      ],
    );
    const up = calls[4];
    assert.equal(up.backend, `file://${path.join(REPO_ROOT, ".pulumi-state")}`);
    assert.equal(up.passphrase, "chatkit-local-dev");
    assert.match(up.baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    assert.equal(up.apiKey, "sk-local-emulator");
    assert.match(stdout, /using the local ChatKit emulator/);
    assert.match(stdout, /clientSecret\s+"\[secret\]"/);
    assert.match(stdout, /npm run pulumi -- stack output --show-secrets clientSecret/);
    assert.match(stdout, /npm run destroy/);
  });

  it("destroys the local dev stack, pointing the provider at a fresh emulator", async () => {
    const { calls } = await withStandIn(DESTROY);
    assert.deepEqual(
      calls.map((call) => call.args.join(" ")),
      ["version", "config get chatkit:apiKey --stack dev", "stack export --stack dev", "destroy --yes --stack dev"],
    );
    assert.match(calls[3].baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    assert.equal(calls[3].passphrase, "chatkit-local-dev");
  });

  it("starts the fresh emulator at the address the sessions recorded, so its 404 is from their endpoint", async () => {
    const port = await freePort();
    const recorded = `http://127.0.0.1:${port}/v1`;
    const { calls } = await withStandIn(DESTROY, { STAND_IN_EXPORT: exported(recorded) });
    assert.equal(calls.at(-1).args.join(" "), "destroy --yes --stack dev");
    assert.equal(calls.at(-1).baseUrl, recorded);
  });

  it("starts it on another port when the recorded one is taken", async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      const { calls } = await withStandIn(DESTROY, { STAND_IN_EXPORT: exported(`http://127.0.0.1:${port}/v1`) });
      assert.match(calls.at(-1).baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      assert.notEqual(calls.at(-1).baseUrl, `http://127.0.0.1:${port}/v1`);
    } finally {
      busy.close();
    }
  });

  it("uses the API, not the emulator, when OPENAI_API_KEY is set", async () => {
    const { stdout, calls } = await withStandIn(START, { OPENAI_API_KEY: "sk-real-key-from-env" });
    const up = calls.find((call) => call.args[0] === "up");
    assert.equal(up.baseUrl, undefined);
    assert.equal(up.apiKey, "sk-real-key-from-env");
    assert.match(stdout, /Using the OpenAI API with the key from OPENAI_API_KEY/);
    assert.doesNotMatch(stdout, /sk-real-key-from-env/);
  });
});
