import * as assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import * as http from "node:http";
import * as path from "node:path";
import { startEmulator } from "../../emulator/server";
import { call } from "./call";

const CLI = path.resolve(__dirname, "../../emulator/cli.js");

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 10_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

describe("the emulator's command line", () => {
  it("prints its base URL and serves requests", async () => {
    const child = spawn(process.execPath, [CLI, "--port", "0", "--quiet"], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      const url = await new Promise<string>((resolve) => {
        child.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString().split("\n")[0]?.trim() ?? ""));
      });
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      const { status } = await call(`${url}/chatkit/sessions`, "POST", { user: "u", workflow: { id: "wf_1" } });
      assert.equal(status, 200);
    } finally {
      child.kill();
    }
  });

  for (const value of ["abc", "0", "-5", "1.5", "10x", ""]) {
    it(`refuses --rate-limit '${value}' with a clear message`, async () => {
      const { code, stdout, stderr } = await run(["--port", "0", `--rate-limit=${value}`]);
      assert.equal(code, 2);
      assert.equal(stdout, "");
      assert.match(stderr, new RegExp(`--rate-limit must be a whole number .* got '${value}'`));
    });
  }

  for (const value of ["abc", "0", "1.5", ""]) {
    it(`refuses --max-stored-mib '${value}' with a clear message`, async () => {
      const { code, stderr } = await run(["--port", "0", `--max-stored-mib=${value}`]);
      assert.equal(code, 2);
      assert.match(stderr, new RegExp(`--max-stored-mib must be a whole number of MiB .* got '${value}'`));
    });
  }

  it("keeps at most --max-stored-mib of sessions", async () => {
    const child = spawn(process.execPath, [CLI, "--port", "0", "--quiet", "--max-stored-mib", "1"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      const url = await new Promise<string>((resolve) => {
        child.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString().split("\n")[0]?.trim() ?? ""));
      });
      const body = { user: "u", workflow: { id: "wf_1", state_variables: { big: "x".repeat(600 * 1024) } } };
      assert.equal((await call(`${url}/chatkit/sessions`, "POST", body)).status, 200);
      const full = await call(`${url}/chatkit/sessions`, "POST", body);
      assert.equal(full.status, 429);
      assert.equal(full.json.error.code, "session_store_full");
    } finally {
      child.kill();
    }
  });

  it("says the port is in use, without the usage text, when it is", async () => {
    const other = await startEmulator({});
    try {
      const { code, stderr } = await run(["--port", String(other.port)]);
      assert.equal(code, 1);
      assert.match(stderr, new RegExp(`port ${other.port} on 127\\.0\\.0\\.1 is already in use`));
      assert.doesNotMatch(stderr, /Usage:/);
    } finally {
      await other.close();
    }
  });

  it("answers its page to a name given with --allow-host on a wildcard address, and not to others", async () => {
    const child = spawn(
      process.execPath,
      [CLI, "--port", "0", "--quiet", "--host", "0.0.0.0", "--allow-host", "machine.lan"],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    try {
      const url = await new Promise<string>((resolve) => {
        child.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString().split("\n")[0]?.trim() ?? ""));
      });
      const port = Number(new URL(url).port);
      const status = (host: string) =>
        new Promise<number>((resolve, reject) => {
          http
            .get({ host: "127.0.0.1", port, path: "/_emulator/state", headers: { host } }, (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            })
            .on("error", reject);
        });
      assert.equal(await status(`machine.lan:${port}`), 200);
      assert.equal(await status(`rebind.test:${port}`), 421);
    } finally {
      child.kill();
    }
  });
});
