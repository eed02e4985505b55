import { execFile } from "node:child_process";
import * as path from "node:path";

/** Where the Pulumi CLI was found, or why it could not be. */
export type CliLookup =
  | { found: true; bin: string; version: string; source: string }
  | { found: false; reason: string };

function run(file: string, args: string[], timeoutMs: number, cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, cwd, env: process.env }, (error, stdout, stderr) => {
      if (error) {
        const why = error.killed
          ? `no answer within ${timeoutMs / 1000} s`
          : (stderr.trim() || error.message).split("\n").at(-1);
        reject(new Error(why));
      } else {
        resolve(stdout.trim());
      }
    });
  });
}

/**
 * Finds a working Pulumi CLI: one on PATH first, then the one the npm package `pulumi` (a dev
 * dependency) keeps in ~/.pulumi/versions, fetching it on first use. Every step is bounded by
 * the timeout, so a machine without the CLI and without internet gets an answer, not a hang.
 */
export async function findPulumiCli(
  timeoutMs: number,
  projectRoot = path.resolve(__dirname, "../.."),
): Promise<CliLookup> {
  const reasons: string[] = [];
  try {
    const version = await run("pulumi", ["version"], timeoutMs);
    return { found: true, bin: "pulumi", version, source: "pulumi on PATH" };
  } catch (error) {
    reasons.push(`pulumi on PATH: ${(error as Error).message}`);
  }
  try {
    // The npm package installs the CLI on first use; run it in a child so the timeout holds.
    const script =
      "require('pulumi/lib/resolve').resolve().then((bin) => console.log(bin), (e) => { console.error(e.message); process.exit(1); })";
    const bin = (await run(process.execPath, ["-e", script], timeoutMs, projectRoot)).split("\n").at(-1) ?? "";
    const version = await run(bin, ["version"], timeoutMs);
    return { found: true, bin, version, source: "the npm package pulumi" };
  } catch (error) {
    reasons.push(`the npm package pulumi: ${(error as Error).message}`);
  }
  return { found: false, reason: reasons.join("; ") };
}

export const INSTALL_ADVICE =
  "Install the Pulumi CLI (https://www.pulumi.com/docs/iac/download-install/), or let `npm install` bring the npm package `pulumi`, which downloads it from get.pulumi.com on first use.";
