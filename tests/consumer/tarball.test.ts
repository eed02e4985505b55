import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TEST_API_KEY, useEmulator } from "../helpers/emulator";
import { startHost } from "../helpers/host";

const REPO_ROOT = path.resolve(__dirname, "../../..");
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

describe("the packed tarball in a fresh Pulumi project", function () {
  this.timeout(240_000);
  const ctx = useEmulator();
  let project: string;
  let provider: string;

  before(() => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "chatkit-consumer-"));
    const packed = execFileSync(npm, ["pack", "--silent", "--pack-destination", scratch], { cwd: REPO_ROOT })
      .toString()
      .trim()
      .split("\n")
      .at(-1) as string;
    project = path.join(scratch, "project");
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: consumer\nruntime: nodejs\n");
    fs.writeFileSync(
      path.join(project, "package.json"),
      JSON.stringify({ name: "consumer", private: true, dependencies: { "pulumi-chatkit": `file:../${packed}` } }),
    );
    execFileSync(npm, ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], {
      cwd: project,
      stdio: ["ignore", "ignore", "inherit"],
    });
    fs.writeFileSync(path.join(project, "program.js"), PROGRAM);
    provider = JSON.parse(execFileSync(process.execPath, ["program.js"], { cwd: project }).toString()).provider;
  });

  after(() => {
    if (project) fs.rmSync(path.dirname(project), { recursive: true, force: true });
  });

  it("installs a real copy, not a link to this repository", () => {
    const installed = path.join(project, "node_modules", "pulumi-chatkit");
    assert.equal(fs.lstatSync(installed).isSymbolicLink(), false);
    assert.ok(fs.existsSync(path.join(installed, "dist", "sdk", "index.d.ts")));
    assert.ok(!fs.existsSync(path.join(installed, "dist", "tests")), "tests are not shipped");
  });

  it("serializes a small provider with no path of the project", () => {
    assert.ok(Buffer.byteLength(provider) <= 4096, `${Buffer.byteLength(provider)} bytes`);
    assert.ok(!provider.includes(project));
    assert.ok(!provider.includes(REPO_ROOT));
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
      assert.equal(ctx.emulator.statusOf(ctx.emulator.sessions.get(created.id)!), "active");
      assert.deepEqual(await host.diff(created.id, created.properties, news), { changes: "none", replaces: [] });
      await host.delete(created.id, created.properties);
      assert.equal(ctx.emulator.statusOf(ctx.emulator.sessions.get(created.id)!), "cancelled");
    } finally {
      await host.close();
    }
  });
});
