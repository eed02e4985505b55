import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { ROOT } from "../tooling/root";
import type { CliRun as StackCliRun } from "./stack";

/** The provider plugin's folder, which programs of every language name as the chatkit plugin. */
export const PLUGIN_DIR = path.join(ROOT, "provider", "plugin");

export type CliRun = StackCliRun & {
  /** stdout and stderr together, for messages. */
  output: string;
};

/** A Pulumi project of the provider plugin (a copy of an example, or files given), with a backend and a stack of its own. */
export interface PluginProject {
  dir: string;
  env: Record<string, string>;
  /** Runs the CLI in the project; never throws for its exit code. */
  cli(args: string[], options?: { env?: Record<string, string> }): Promise<CliRun>;
  config(key: string, value: string, secret?: boolean): Promise<void>;
  outputs(): Promise<Record<string, unknown>>;
  exportState(showSecrets?: boolean): Promise<any>;
  close(): void;
}

/**
 * Copies an example to a folder of its own (its relative path to provider/plugin made absolute),
 * or writes the files given, and opens a stack in a file backend there. The CLI runs with only the plugins beside it and on
 * PATH, as on a user's machine, plus Node for the plugin.
 */
export async function openPluginProject(
  bin: string,
  source: string | Record<string, string>,
  env: Record<string, string> = {},
): Promise<PluginProject> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "chatkit-plugin-project-"));
  if (typeof source === "string") {
    fs.cpSync(path.join(ROOT, "examples", source), dir, {
      recursive: true,
      // Not what installing or running the program creates (a Python example's virtualenv).
      filter: (file) => !/node_modules|(^|\/)(venv|__pycache__)(\/|$)|Pulumi\.[^/]+\.yaml$/.test(file),
    });
  } else {
    for (const [file, text] of Object.entries(source)) fs.writeFileSync(path.join(dir, file), text);
  }
  for (const file of fs.readdirSync(dir)) {
    const full = path.join(dir, file);
    if (!fs.statSync(full).isFile()) continue;
    const text = fs.readFileSync(full, "utf8");
    if (text.includes("../../provider/plugin"))
      fs.writeFileSync(full, text.replaceAll("../../provider/plugin", PLUGIN_DIR));
  }
  fs.mkdirSync(path.join(dir, ".state"));
  const projectEnv: Record<string, string> = {
    PULUMI_BACKEND_URL: `file://${path.join(dir, ".state")}`,
    PULUMI_CONFIG_PASSPHRASE: "languages-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    ...env,
  };
  const cli = (args: string[], options: { env?: Record<string, string> } = {}) =>
    new Promise<CliRun>((resolve) => {
      execFile(
        bin,
        [...args, "--non-interactive"],
        {
          cwd: dir,
          env: { ...process.env, ...projectEnv, ...options.env },
          maxBuffer: 64 * 1024 * 1024,
          timeout: 10 * 60_000,
        },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
          resolve({ code, stdout, stderr, output: `${stdout}\n${stderr}` });
        },
      );
    });
  const must = async (args: string[]) => {
    const run = await cli(args);
    if (run.code !== 0) throw new Error(`pulumi ${args.join(" ")} failed (${run.code}):\n${run.output}`);
    return run;
  };
  await must(["stack", "init", "dev"]);
  return {
    dir,
    env: projectEnv,
    cli,
    async config(key, value, secret = false) {
      await must(["config", "set", ...(secret ? ["--secret"] : []), key, value]);
    },
    async outputs() {
      return JSON.parse((await must(["stack", "output", "--json", "--show-secrets"])).stdout);
    },
    async exportState(showSecrets = false) {
      return JSON.parse((await must(["stack", "export", ...(showSecrets ? ["--show-secrets"] : [])])).stdout);
    },
    close() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
