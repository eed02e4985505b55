import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { LocalWorkspace, type OpMap, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { type Emulator, startEmulator } from "../../emulator/server";
import { type CliLookup, findPulumiCli } from "../../scripts/pulumiCli";
import { TEST_API_KEY } from "../helpers/emulator";

const REPO_ROOT = path.resolve(__dirname, "../../..");
const run = promisify(execFile);

interface ExampleCase {
  name: string;
  /** Config set before the first up. */
  config: Record<string, string>;
  secrets?: Record<string, string>;
  /** A config edit that must replace every session. */
  replace: [string, string];
}

const CASES: ExampleCase[] = [
  { name: "basic", config: { user: "e2e-user" }, replace: ["user", "e2e-user-2"] },
  { name: "pipeline", config: { runId: "e2e-1", ttlSeconds: "300" }, replace: ["runId", "e2e-2"] },
  {
    name: "multi-user",
    config: {
      tenants: JSON.stringify([
        { user: "ann@example.com", plan: "pro" },
        { user: "ben@example.com", plan: "free" },
      ]),
    },
    secrets: { crmToken: "e2e-crm-token" },
    replace: ["rotation", "e2e-rotation-2"],
  },
  { name: "teaching", config: { user: "e2e-student" }, replace: ["user", "e2e-student-2"] },
];

/** The operations other than "same" in a summary: empty means "no changes". */
function changes(ops: OpMap | undefined): Record<string, number> {
  return Object.fromEntries(
    Object.entries(ops ?? {}).filter(([op, count]) => op !== "same" && (count ?? 0) > 0),
  ) as Record<string, number>;
}

/**
 * The whole engine lifecycle of every example with the real Pulumi CLI, against the emulator:
 * preview, up, a second preview and up with no changes, a refresh with no changes, an edit that
 * replaces, one that updates in place (renewBefore), expiry that replaces, and destroy.
 */
describe("end to end with the Pulumi CLI (Automation API)", function () {
  this.timeout(30 * 60_000);
  let cli: CliLookup;
  let pulumiCommand: PulumiCommand;
  let bin: string;

  before(async function () {
    cli = await findPulumiCli(8_000);
    if (!cli.found) {
      console.log(`      skipped: no Pulumi CLI answered \`pulumi version\` within 8 s (${cli.reason})`);
      this.skip();
    }
    bin = cli.bin;
    const root = path.isAbsolute(cli.bin) ? path.dirname(path.dirname(cli.bin)) : undefined;
    pulumiCommand = await PulumiCommand.get({ root, skipVersionCheck: true });
  });

  for (const example of CASES) {
    describe(`examples/${example.name}`, () => {
      let emulator: Emulator;
      let stack: Stack;
      let backend: string;

      before(async () => {
        emulator = await startEmulator();
        backend = fs.mkdtempSync(path.join(os.tmpdir(), "chatkit-e2e-"));
        stack = await LocalWorkspace.createOrSelectStack(
          { stackName: "e2e", workDir: path.join(REPO_ROOT, "examples", example.name) },
          {
            pulumiCommand,
            envVars: {
              PULUMI_BACKEND_URL: `file://${backend}`,
              PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
              PULUMI_SKIP_UPDATE_CHECK: "true",
              PULUMI_NODEJS_TRANSPILE_ONLY: "true",
              OPENAI_BASE_URL: emulator.url,
              OPENAI_API_KEY: TEST_API_KEY,
            },
          },
        );
        for (const [key, value] of Object.entries(example.config)) await stack.setConfig(key, { value });
        for (const [key, value] of Object.entries(example.secrets ?? {}))
          await stack.setConfig(key, { value, secret: true });
      });

      after(async () => {
        await stack?.workspace.removeStack("e2e", { force: true }).catch(() => {});
        await emulator?.close();
        if (backend) fs.rmSync(backend, { recursive: true, force: true });
      });

      it("previews the sessions as creates", async () => {
        const preview = await stack.preview();
        assert.ok((preview.changeSummary.create ?? 0) >= 1, JSON.stringify(preview.changeSummary));
      });

      it("creates them on up, with the client secret as a secret output", async () => {
        const up = await stack.up();
        assert.ok((up.summary.resourceChanges?.create ?? 0) >= 1);
        assert.ok(emulator.listSessions("active").length >= 1);
        // Masked outputs show each client secret as [secret], at the top level or nested in an object.
        const masked = (
          await run(bin, ["stack", "output", "--json", "--stack", "e2e"], {
            cwd: stack.workspace.workDir,
            env: { ...process.env, ...stack.workspace.envVars },
          })
        ).stdout;
        const secrets = emulator.listSessions().map((session) => String(session.clientSecret));
        assert.ok(masked.includes('"[secret]"'), masked);
        assert.deepEqual(
          secrets.filter((secret) => masked.includes(secret)),
          [],
          "no client secret in the masked outputs",
        );
        const state = (fs.readdirSync(backend, { recursive: true, withFileTypes: true }) as fs.Dirent[])
          .filter((entry) => entry.isFile())
          .map((entry) => fs.readFileSync(path.join(entry.parentPath, entry.name), "utf8"))
          .join("\n");
        assert.deepEqual(
          secrets.filter((secret) => state.includes(secret)),
          [],
          "client secrets are encrypted in state",
        );
      });

      it("shows no changes on a second preview and up", async () => {
        assert.deepEqual(changes((await stack.preview()).changeSummary), {});
        assert.deepEqual(changes((await stack.up()).summary.resourceChanges), {});
      });

      it("shows no changes on refresh", async () => {
        assert.deepEqual(changes((await stack.refresh()).summary.resourceChanges), {});
      });

      it("replaces the sessions when what is sent changes, creating before cancelling", async () => {
        const before = emulator.listSessions("active").map((session) => session.id);
        await stack.setConfig(example.replace[0], { value: example.replace[1] });
        const up = await stack.up();
        assert.ok((up.summary.resourceChanges?.replace ?? 0) >= 1, JSON.stringify(up.summary.resourceChanges));
        for (const id of before) assert.equal(emulator.session(id)?.status, "cancelled");
      });

      it("updates in place when only renewBefore changes", async () => {
        // 45 s is no example's default (a tenth of the lifetime, or the example's own), so it is a change.
        await stack.setConfig("renewBefore", { value: "45" });
        const up = await stack.up();
        assert.deepEqual(changes(up.summary.resourceChanges).replace, undefined);
        assert.ok((up.summary.resourceChanges?.update ?? 0) >= 1, JSON.stringify(up.summary.resourceChanges));
      });

      it("replaces expired sessions on the next up", async () => {
        await stack.setConfig("ttlSeconds", { value: "4" });
        await stack.setConfig("renewBefore", { value: "1" });
        await stack.up();
        await new Promise((resolve) => setTimeout(resolve, 4_500));
        const up = await stack.up();
        assert.ok((up.summary.resourceChanges?.replace ?? 0) >= 1, JSON.stringify(up.summary.resourceChanges));
      });

      it("cancels every session on destroy", async () => {
        await stack.setConfig("ttlSeconds", { value: "600" });
        await stack.setConfig("renewBefore", { value: "60" });
        await stack.up();
        await stack.destroy();
        assert.deepEqual(emulator.listSessions("active"), []);
      });
    });
  }
});
