import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";

/** The compiled engine program's folder, which becomes a Pulumi project when a stack is opened. */
const PROGRAM_DIR = __dirname;

/** What one CLI command printed and how it ended. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface EngineStackOptions {
  /** The Pulumi CLI to run. */
  bin: string;
  /** A name unique among the stacks open at once: their config files share the project's folder. */
  name: string;
  /** Stack config of the program (see program.ts) and of the provider (`chatkit:*`). */
  config?: Record<string, string>;
  secrets?: Record<string, string>;
  /** Environment of every command, over the machine's. */
  env?: Record<string, string>;
}

/** A stack of the engine program in a backend of its own, removed by close(). */
export interface EngineStack {
  stack: Stack;
  /** The environment every command of this stack runs with. */
  env: Record<string, string>;
  /** Runs a CLI command on this stack; never throws for its exit code. */
  cli(args: string[], options?: { env?: Record<string, string>; timeoutMs?: number }): Promise<CliRun>;
  /** The state as `pulumi stack export` gives it, or with `--show-secrets`. */
  exportState(showSecrets?: boolean): Promise<any>;
  close(): Promise<void>;
}

function writeProject(): void {
  const project = [
    "name: chatkit-engine",
    "description: Sessions (or no-op dynamic resources) shaped by stack config, for the engine tests and bench.",
    "runtime:",
    "  name: nodejs",
    "  options:",
    "    typescript: false",
    "main: program.js",
    "",
  ].join("\n");
  fs.writeFileSync(path.join(PROGRAM_DIR, "Pulumi.yaml"), project);
}

/** One PulumiCommand per CLI, since getting one runs `pulumi version`. */
const commands = new Map<string, Promise<PulumiCommand>>();

function commandFor(bin: string): Promise<PulumiCommand> {
  if (!commands.has(bin)) {
    const root = path.isAbsolute(bin) ? path.dirname(path.dirname(bin)) : undefined;
    const command = PulumiCommand.get({ root, skipVersionCheck: true });
    // A failure is not kept: the next stack tries again.
    command.catch(() => commands.delete(bin));
    commands.set(bin, command);
  }
  return commands.get(bin)!;
}

export async function openEngineStack(options: EngineStackOptions): Promise<EngineStack> {
  writeProject();
  const backend = fs.mkdtempSync(path.join(os.tmpdir(), "chatkit-engine-"));
  const env: Record<string, string> = {
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: "engine-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    ...options.env,
  };
  const pulumiCommand = await commandFor(options.bin);
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: options.name, workDir: PROGRAM_DIR },
    { pulumiCommand, envVars: env },
  );
  for (const [key, value] of Object.entries(options.config ?? {})) await stack.setConfig(key, { value });
  for (const [key, value] of Object.entries(options.secrets ?? {})) await stack.setConfig(key, { value, secret: true });

  const cli: EngineStack["cli"] = (args, extra = {}) =>
    new Promise((resolve) => {
      execFile(
        options.bin,
        [...args, "--stack", options.name, "--non-interactive"],
        {
          cwd: PROGRAM_DIR,
          env: { ...process.env, ...env, ...extra.env },
          timeout: extra.timeoutMs ?? 10 * 60_000,
          maxBuffer: 64 * 1024 * 1024,
        },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });

  return {
    stack,
    env,
    cli,
    async exportState(showSecrets = false) {
      const run = await cli(["stack", "export", ...(showSecrets ? ["--show-secrets"] : [])]);
      if (run.code !== 0) throw new Error(`pulumi stack export failed: ${run.stderr}`);
      return JSON.parse(run.stdout);
    },
    async close() {
      await stack.workspace.removeStack(options.name, { force: true }).catch(() => {});
      fs.rmSync(path.join(PROGRAM_DIR, `Pulumi.${options.name}.yaml`), { force: true });
      fs.rmSync(backend, { recursive: true, force: true });
    },
  };
}
