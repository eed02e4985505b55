import * as assert from "node:assert/strict";
import { execFile, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import * as grpc from "@grpc/grpc-js";
import { startHost } from "../../scripts/tooling/host";
import { codeBlocks, shellCommands } from "../helpers/docs";
import { TEST_API_KEY, useEmulator } from "../helpers/emulator";

const REPO_ROOT = path.resolve(__dirname, "../../..");
const README = path.join(REPO_ROOT, "README.md");

/** The JSON file (package.json, tsconfig.json) of the README's "Install it in your project" that has a key. */
function readmeProjectJson(holds: string) {
  return codeBlocks(README).find(
    (block) =>
      block.section === "Install it in your project" && block.lang === "json" && block.code.includes(`"${holds}"`),
  );
}
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** Registers one session under mocks with the project's own installed packages; prints __provider. */
const PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks");
const { ChatKitSession, ChatKitSessionProvider } = require("pulumi-chatkit");
let captured;
pulumi.runtime.setMocks({
  newResource: (args) => { captured = args.inputs.__provider; return { id: "x", state: args.inputs }; },
  call: (args) => args.inputs,
}, "consumer", "dev", false).then(async () => {
  if (typeof ChatKitSessionProvider !== "function") throw new Error("ChatKitSessionProvider is not exported");
  const session = new ChatKitSession("s", { user: "consumer", workflow: { id: "wf_consumer" } });
  await session.urn.promise();
  process.stdout.write(JSON.stringify({ provider: captured }));
});
`;

/**
 * `npm install` in `cwd`. The registry may be reached over the network: an install that fails is
 * tried twice more after a pause, so that one dropped connection does not fail the suite (a real
 * failure fails all three times, with npm's own message).
 */
function npmInstall(cwd: string, args: string[] = []): void {
  for (let attempt = 1; ; attempt++) {
    try {
      execFileSync(npm, ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", ...args], {
        cwd,
        stdio: ["ignore", "ignore", "inherit"],
      });
      return;
    } catch (error) {
      if (attempt === 3) throw error;
      console.error(`      npm install failed (attempt ${attempt} of 3); trying again in 5 s`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5_000);
    }
  }
}

/** The files a clean clone has: what git tracks, and new files git does not ignore. */
function cleanClone(into: string): void {
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: REPO_ROOT,
  })
    .toString()
    .split("\0")
    .filter((file) => file && fs.existsSync(path.join(REPO_ROOT, file)));
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(into, file)), { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, file), path.join(into, file));
  }
  // Installing the dependencies is npm's business and needs no build; share this repository's
  // instead of a minute of `npm ci`. What this proves is that nothing was built before `npm pack`.
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(into, "node_modules"), "dir");
}

describe("the packed tarball in a fresh Pulumi project", function () {
  this.timeout(300_000);
  const ctx = useEmulator();
  let scratch: string;
  let clone: string;
  let project: string;
  let provider: string;
  let packedFiles: string[];
  let tarball: string;

  before(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "chatkit-consumer-"));
    clone = path.join(scratch, "clone");
    cleanClone(clone);
    assert.equal(fs.existsSync(path.join(clone, "dist")), false, "a clean clone has no build");
    const [packed] = JSON.parse(
      execFileSync(npm, ["pack", "--json", "--pack-destination", scratch], {
        cwd: clone,
        stdio: ["ignore", "pipe", "ignore"],
      }).toString(),
    ) as { filename: string; files: { path: string }[] }[];
    packedFiles = packed!.files.map((file) => file.path).sort();
    tarball = packed!.filename;
    project = path.join(scratch, "project");
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: consumer\nruntime: nodejs\n");
    fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "consumer", private: true }));
    // What the README says: the tarball, then the TypeScript tools its package.json names.
    const manifest = readmeProjectJson("dependencies");
    assert.ok(manifest, "the README shows the project's package.json");
    const { dependencies, devDependencies } = JSON.parse(manifest.code) as Record<string, Record<string, string>>;
    const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
      version: string;
    };
    assert.equal(
      dependencies?.["pulumi-chatkit"],
      `file:${packed!.filename}`,
      "the README names the tarball npm pack writes",
    );
    assert.equal(packed!.filename, `pulumi-chatkit-${version}.tgz`);
    const tools = Object.entries(devDependencies ?? {}).map(([name, range]) => `${name}@${range}`);
    assert.deepEqual(Object.keys(devDependencies ?? {}).sort(), ["@types/node", "ts-node", "typescript"]);
    npmInstall(project, [path.join(scratch, packed!.filename)]);
    npmInstall(project, ["--save-dev", ...tools]);
    fs.writeFileSync(path.join(project, "program.js"), PROGRAM);
    provider = JSON.parse(execFileSync(process.execPath, ["program.js"], { cwd: project }).toString()).provider;
  });

  after(() => {
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  it("packs the built package from a clean clone: exactly the code, its types, README, LICENSE, the emulator's docs and the provider plugin's folder", () => {
    const sources = ["sdk", "provider", "provider/plugin", "emulator"].flatMap((folder) =>
      fs
        .readdirSync(path.join(clone, folder))
        .filter((file) => file.endsWith(".ts"))
        .flatMap((file) => [".js", ".d.ts"].map((ext) => `dist/${folder}/${file.replace(/\.ts$/, ext)}`)),
    );
    const docs = ["LICENSE", "README.md", "package.json", "emulator/README.md", "emulator/FIDELITY.md"];
    const plugin = ["provider/plugin/PulumiPlugin.yaml", "provider/plugin/package.json"];
    assert.deepEqual(packedFiles, [...docs, ...plugin, ...sources].sort());
    assert.match(fs.readFileSync(path.join(clone, "LICENSE"), "utf8"), /Apache License\s+Version 2\.0, January 2004/);
  });

  it("installs a real copy, not a link to this repository", () => {
    const installed = path.join(project, "node_modules", "pulumi-chatkit");
    assert.equal(fs.lstatSync(installed).isSymbolicLink(), false);
    assert.ok(fs.existsSync(path.join(installed, "dist", "sdk", "index.d.ts")));
    assert.ok(!fs.existsSync(path.join(installed, "dist", "tests")), "tests are not shipped");
  });

  it("type-checks the README's complete program with the README's tsconfig", () => {
    const program = codeBlocks(README).find((b) => b.section === "A complete program" && b.lang === "ts");
    const tsconfig = readmeProjectJson("compilerOptions");
    assert.ok(program && tsconfig, "the README shows a program and a tsconfig.json");
    fs.writeFileSync(path.join(project, "index.ts"), program.code);
    fs.writeFileSync(path.join(project, "tsconfig.json"), tsconfig.code);
    const tsc = path.join(project, "node_modules", "typescript", "bin", "tsc");
    execFileSync(process.execPath, [tsc, "-p", ".", "--noEmit"], { cwd: project, stdio: "pipe" });
    // ...and a wrong input is caught, so the check is real.
    const wrong = program.code.replace("expiresAfter: 600,", 'expiresAfter: "600",');
    const line = wrong.split("\n").findIndex((text) => text.includes('expiresAfter: "600"')) + 1;
    assert.ok(line > 0);
    fs.writeFileSync(path.join(project, "index.ts"), wrong);
    assert.throws(
      () => execFileSync(process.execPath, [tsc, "-p", ".", "--noEmit"], { cwd: project, stdio: "pipe" }),
      (error: { stdout: Buffer }) =>
        new RegExp(`^index\\.ts\\(${line},\\d+\\): error TS`, "m").test(error.stdout.toString()),
    );
  });

  it("starts the emulator with the README's command for an installed package, the registry unreachable", async () => {
    const command = shellCommands(README)
      .map((line) => line.replace(/\s*&$/, ""))
      .find((line) => line === "npx --no -- chatkit-emulator --port 8787");
    assert.ok(command, "the README names the command");
    const child = spawn("bash", ["-c", command.replace("--port 8787", "--port 0")], {
      cwd: project,
      env: { ...process.env, npm_config_registry: "http://127.0.0.1:9/", npm_config_offline: "true" },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = "";
        const collect = (chunk: Buffer) => {
          output += chunk.toString();
          const found = /http:\/\/127\.0\.0\.1:\d+\/v1/.exec(output)?.[0];
          if (found) resolve(found);
        };
        child.stdout.on("data", collect);
        child.stderr.on("data", collect);
        child.once("exit", (code) => reject(new Error(`exited with ${code}: ${output}`)));
      });
      const answer = await fetch(`${url}/chatkit/sessions/cksess_none/cancel`, {
        method: "POST",
        headers: { authorization: "Bearer sk-consumer-check", "openai-beta": "chatkit_beta=v1" },
      });
      assert.equal(answer.status, 404, "the emulator answers as the API does for an unknown session");
    } finally {
      if (child.exitCode === null) process.kill(-(child.pid as number), "SIGTERM");
    }
  });

  it("runs the pipeline example copied into a project of its own, as its README and CI workflow say", async () => {
    const example = path.join(REPO_ROOT, "examples", "pipeline");
    const copy = path.join(scratch, "pipeline-copy");
    fs.mkdirSync(copy);
    for (const file of ["index.ts", "smoke.ts", "run.sh", "package.json", "tsconfig.json", "Pulumi.yaml"])
      fs.copyFileSync(path.join(example, file), path.join(copy, file));
    const dependency = JSON.parse(fs.readFileSync(path.join(copy, "package.json"), "utf8")).dependencies[
      "pulumi-chatkit"
    ];
    fs.copyFileSync(path.join(scratch, tarball), path.join(copy, dependency.replace(/^file:/, "")));
    npmInstall(copy);
    // The workflow runs only inside the project's folder, on what npm installed there.
    const workflow = fs.readFileSync(path.join(example, "ci", "github-actions.yml"), "utf8");
    assert.doesNotMatch(workflow, /\.\.\/|examples\/|npm run build/);
    assert.equal(workflow.match(/working-directory: \$\{\{ env\.PROJECT_DIR \}\}/g)?.length, 2);
    const session = await fetch(`${ctx.emulator.url}/chatkit/sessions`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${TEST_API_KEY}`,
        "content-type": "application/json",
        "openai-beta": "chatkit_beta=v1",
      },
      body: JSON.stringify({ user: "ci-run-copy", workflow: { id: "wf_copy" } }),
    }).then((answer) => answer.json() as Promise<{ client_secret: string }>);
    // Asynchronously: the emulator answering it runs in this process.
    const { stdout: smoke } = await promisify(execFile)(npm, ["run", "--silent", "smoke"], {
      cwd: copy,
      env: {
        ...process.env,
        npm_config_registry: "http://127.0.0.1:9/",
        npm_config_offline: "true",
        OPENAI_BASE_URL: ctx.emulator.url,
        CHATKIT_CLIENT_SECRET: session.client_secret,
        CHATKIT_SMOKE_PROOF_DIR: path.join(scratch, "proof"),
      },
    });
    assert.match(smoke, /the client secret works/);
  });

  it("serializes a small provider with no path of the project", () => {
    assert.ok(Buffer.byteLength(provider) <= 4096, `${Buffer.byteLength(provider)} bytes`);
    assert.ok(!provider.includes(project));
    assert.ok(!provider.includes(REPO_ROOT));
  });

  it("serves the provider plugin from the installed package, started as the Node.js language host starts it", async () => {
    const pluginDir = path.join(project, "node_modules", "pulumi-chatkit", "provider", "plugin");
    const runPlugin = require.resolve("@pulumi/pulumi/cmd/run-plugin", { paths: [pluginDir] });
    assert.ok(runPlugin.startsWith(project), "the project's own @pulumi/pulumi runs it");
    const child = spawn(process.execPath, [runPlugin, pluginDir], { cwd: pluginDir });
    try {
      const port = await new Promise<string>((resolve, reject) => {
        child.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
        child.once("exit", (code) => reject(new Error(`the plugin exited (${code})`)));
      });
      const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
      const provproto = require("@pulumi/pulumi/proto/provider_pb");
      const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
      const schema = await new Promise<any>((resolve, reject) =>
        client.getSchema(new provproto.GetSchemaRequest(), (error: Error | null, response: any) =>
          error ? reject(error) : resolve(JSON.parse(response.getSchema())),
        ),
      );
      client.close();
      const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
        version: string;
      };
      assert.equal(schema.name, "chatkit");
      assert.equal(schema.version, version);
      assert.ok(schema.resources["chatkit:index:Session"]);
    } finally {
      child.kill();
    }
  });

  it("creates and cancels a session through the project's own provider host", async () => {
    const host = await startHost({
      cwd: project,
      pulumiFrom: project,
      env: { OPENAI_API_KEY: "", OPENAI_BASE_URL: "" },
    });
    try {
      await host.configure({ "chatkit:apiKey": TEST_API_KEY, "chatkit:baseUrl": ctx.emulator.url });
      const news = { __provider: provider, user: "consumer", workflow: { id: "wf_consumer" } };
      assert.deepEqual((await host.check({}, news)).failures, []);
      const created = await host.create(news);
      assert.equal(ctx.emulator.session(created.id)?.status, "active");
      assert.deepEqual(await host.diff(created.id, created.properties, news), { changes: "none", replaces: [] });
      await host.delete(created.id, created.properties);
      assert.equal(ctx.emulator.session(created.id)?.status, "cancelled");
    } finally {
      await host.close();
    }
  });
});
