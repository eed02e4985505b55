import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { shellCommands } from "../helpers/docs";

const REPO_ROOT = path.resolve(__dirname, "../../..");
/** Each document that says how to start the emulator, and the folder its commands run from. */
const DOCS = [
  ...["", "examples/basic", "examples/multi-user", "examples/pipeline", "examples/teaching"].map((folder) => ({
    readme: path.join(folder, "README.md"),
    folder: path.join(REPO_ROOT, folder),
  })),
  // Its commands run in a project that installed the package, which the repository's root is.
  { readme: "emulator/README.md", folder: REPO_ROOT },
];
/** The other documents, whose commands must not ask the registry either. */
const OTHER_DOCS = [
  "CONTRIBUTING.md",
  "docs/_index.md",
  "docs/installation-configuration.md",
  "docs/chatkitsession.md",
  "docs/errors-reliability.md",
  "scripts/BENCH.md",
];

/** Fails on a command that would ask the registry for a name of ours. */
function assertNoRegistryLookup(commands: string[]): void {
  for (const command of commands) {
    assert.doesNotMatch(command, /\bnpx (?!--no\b)/, `npx without --no may fetch from the registry: ${command}`);
    assert.doesNotMatch(command, /\bnpm (install|i|add)\b.*(?<![\w./-])pulumi-chatkit(?![\w.-])/, command);
    assert.doesNotMatch(command, /\bnpm (install|i|add)\b.*(?<![\w./-])chatkit-emulator\b/, command);
  }
}
/** npm and npx with no registry to reach: any lookup of a name fails at once. */
const NO_REGISTRY = { npm_config_registry: "http://127.0.0.1:9/", npm_config_offline: "true" };

const startsEmulator = (command: string) => /chatkit-emulator|emulator\/cli\.js|npm run emulator/.test(command);

/** Runs a documented command until it prints the emulator's URL, checks it answers, then stops it. */
function runUntilListening(command: string, cwd: string): Promise<string> {
  const runnable = command.replace(/\s*&$/, "").replace("--port 8787", "--port 0");
  const child = spawn("bash", ["-c", runnable], {
    cwd,
    env: { ...process.env, ...NO_REGISTRY },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise<string>((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /http:\/\/127\.0\.0\.1:\d+\/v1/.exec(output)?.[0];
      if (url) resolve(url);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.once("exit", (code) => reject(new Error(`\`${runnable}\` exited with ${code} before listening:\n${output}`)));
  })
    .then(async (url) => {
      const answer = await fetch(`${url}/chatkit/sessions`, {
        method: "POST",
        headers: {
          authorization: "Bearer sk-docs-check",
          "content-type": "application/json",
          "openai-beta": "chatkit_beta=v1",
        },
        body: JSON.stringify({ user: "docs", workflow: { id: "wf_docs" } }),
      });
      assert.equal(answer.status, 200, await answer.text());
      return url;
    })
    .finally(() => {
      if (child.exitCode === null) process.kill(-(child.pid as number), "SIGTERM");
    });
}

describe("the docs' commands that start the emulator, with the registry unreachable", function () {
  // `npm run emulator` builds first: 45 s on a 2-core machine under a load of 15. How long the
  // build takes is not what is checked, so the limit only stops a hang.
  this.timeout(300_000);

  for (const doc of DOCS) {
    const commands = shellCommands(path.join(REPO_ROOT, doc.readme));

    it(`${doc.readme}: never asks the registry for a name of ours`, () => {
      assertNoRegistryLookup(commands);
    });

    const emulatorCommands = commands.filter(startsEmulator);
    it(`${doc.readme}: documents how to start the emulator`, () => {
      assert.ok(emulatorCommands.length > 0);
    });
    for (const command of emulatorCommands) {
      it(`${doc.readme}: \`${command}\` serves the API offline from ${path.relative(REPO_ROOT, doc.folder) || "the root"}`, async () => {
        await runUntilListening(command, doc.folder);
      });
    }
  }

  for (const doc of OTHER_DOCS) {
    it(`${doc}: never asks the registry for a name of ours`, () => {
      assertNoRegistryLookup(shellCommands(path.join(REPO_ROOT, doc)));
    });
  }
});
