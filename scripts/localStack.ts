import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { type Emulator, startEmulator } from "../emulator/server";
import { cliVersionProblem, findPulumiCli, missingCliMessage } from "./pulumiCli";
import { recordedEmulatorPort } from "./recordedPort";
import { ROOT } from "./tooling/root";

export const STACK = "dev";
/** The passphrase of the local stack's secrets, documented in the README and CONTRIBUTING.md; set your own to override. */
export const DEFAULT_PASSPHRASE = "chatkit-local-dev";
/** Any key the emulator accepts: it only checks the "sk-" prefix. */
export const EMULATOR_API_KEY = "sk-local-emulator";

export interface LocalStack {
  bin: string;
  env: NodeJS.ProcessEnv;
  pulumi(args: string[], options?: { quiet?: boolean }): Promise<{ code: number; stdout: string }>;
}

/**
 * The Pulumi CLI with a file backend inside the repository, or a clear exit when there is no CLI
 * (or, where the stack's config must reach the provider, when the CLI is too old for that).
 */
export async function openLocalStack(options: { command: string; needsProviderConfig: boolean }): Promise<LocalStack> {
  const cli = await findPulumiCli(180_000);
  if (!cli.found) {
    console.error(`${options.command}: ${missingCliMessage(cli)}\nThe tests need no CLI: npm test.`);
    process.exit(1);
  }
  const tooOld = cliVersionProblem(cli.version);
  if (tooOld && options.needsProviderConfig) {
    console.error(`${options.command}: ${tooOld}`);
    process.exit(1);
  }
  if (tooOld) console.error(`${options.command}: warning: ${tooOld}`);
  const stateDir = path.join(ROOT, ".pulumi-state");
  fs.mkdirSync(stateDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_BACKEND_URL: `file://${stateDir}`,
    PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? DEFAULT_PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    // Language hosts are installed next to the CLI.
    PATH: path.isAbsolute(cli.bin)
      ? `${path.dirname(cli.bin)}${path.delimiter}${process.env.PATH ?? ""}`
      : process.env.PATH,
  };
  const pulumi: LocalStack["pulumi"] = (args, options = {}) =>
    new Promise((resolve, reject) => {
      const child = spawn(cli.bin, args, {
        cwd: ROOT,
        env,
        // Quiet calls are probes (such as `config get` of a key that may not exist): what they print is read, not shown.
        stdio: ["ignore", options.quiet ? "pipe" : "inherit", options.quiet ? "ignore" : "inherit"],
      });
      let stdout = "";
      child.stdout?.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      child.once("error", reject);
      child.once("exit", (code) => resolve({ code: code ?? 1, stdout }));
    });
  return { bin: cli.bin, env, pulumi };
}

/**
 * Starts the local emulator unless an API key is configured (stack config chatkit:apiKey, or
 * OPENAI_API_KEY), and points the provider at it through the environment. Sessions made against an
 * earlier emulator are gone with it, and a fresh one answers their cancel (a destroy, or the
 * replacement an up makes when it renews) with 404; the provider counts a 404 as done only from
 * the endpoint the session recorded, so the fresh emulator listens at that address when it is free.
 */
export async function emulatorUnlessKeyed(stack: LocalStack): Promise<Emulator | undefined> {
  const keyInConfig =
    (await stack.pulumi(["config", "get", "chatkit:apiKey", "--stack", STACK], { quiet: true })).code === 0;
  if (keyInConfig || process.env.OPENAI_API_KEY) {
    console.log(
      `Using the OpenAI API with the key from ${keyInConfig ? "stack config chatkit:apiKey" : "OPENAI_API_KEY"}.`,
    );
    return undefined;
  }
  const exported = await stack.pulumi(["stack", "export", "--stack", STACK], { quiet: true });
  const port = recordedEmulatorPort(exported.stdout);
  // The recorded port may be taken by now: any other port then.
  const emulator = await (port ? startEmulator({ port }).catch(() => startEmulator()) : startEmulator());
  stack.env.OPENAI_BASE_URL = emulator.url;
  stack.env.OPENAI_API_KEY = EMULATOR_API_KEY;
  console.log(`No API key configured: using the local ChatKit emulator at ${emulator.url}.`);
  return emulator;
}

export async function must(step: Promise<{ code: number }>, what: string): Promise<void> {
  const { code } = await step;
  if (code !== 0) throw new Error(`${what} failed (exit code ${code})`);
}
