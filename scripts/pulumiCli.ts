import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { buildPulumiCli } from "./buildPulumiCli";

/** One place a Pulumi CLI was looked for, and why it did not work there. */
export interface CliAttempt {
  where: string;
  why: string;
  /** The npm package `pulumi`, which only downloads the real CLI on first use. */
  launcher: boolean;
}

/** Where the Pulumi CLI was found, or why it could not be. */
export type CliLookup =
  | { found: true; bin: string; version: string; source: string }
  | { found: false; reason: string; attempts: CliAttempt[] };

/**
 * The first CLI version that passes the stack's `chatkit:*` config to a dynamic provider: before
 * 3.139 only keys of the `pulumi-nodejs:` namespace reach it, so `chatkit:apiKey` would be missing.
 */
export const MIN_CLI_VERSION = "3.139.0";

function run(file: string, args: string[], timeoutMs: number, cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, cwd, env: process.env }, (error, stdout, stderr) => {
      if (error) {
        const why = error.killed
          ? `no answer within ${timeoutMs / 1000} s`
          : (error as NodeJS.ErrnoException).code === "ENOENT"
            ? "not found"
            : (stderr.trim() || error.message).split("\n").at(-1);
        reject(new Error(why));
      } else {
        resolve(stdout.trim());
      }
    });
  });
}

/** The file `pulumi` on PATH resolves to, or undefined when there is none. */
function pulumiOnPath(): string | undefined {
  const names = process.platform === "win32" ? ["pulumi.exe", "pulumi.cmd"] : ["pulumi"];
  for (const dir of (process.env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    for (const name of names) {
      const candidate = path.join(dir, name);
      if (fs.existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

/** True when the file is the npm package `pulumi`'s launcher (inside npm scripts it is first on PATH). */
function isNpmLauncher(file: string): boolean {
  try {
    return fs.realpathSync(file).endsWith(path.join("node_modules", "pulumi", "run.js"));
  } catch {
    return false;
  }
}

/**
 * Finds a working Pulumi CLI: PULUMI_BIN when set, else `pulumi` on PATH, else the one the npm
 * package `pulumi` (a dev dependency) keeps in ~/.pulumi/versions, fetching it on first use, else
 * the pinned release built from its Go modules (buildPulumiCli; reused once built). Each lookup
 * step is bounded by the timeout, so a machine without the CLI and without internet gets an
 * answer, not a hang; the build reports its progress instead, since a cold one takes minutes.
 */
export async function findPulumiCli(
  timeoutMs: number,
  projectRoot = path.resolve(__dirname, "../.."),
  build: typeof buildPulumiCli = buildPulumiCli,
): Promise<CliLookup> {
  const attempts: CliAttempt[] = [];
  const chosen = process.env.PULUMI_BIN;
  if (chosen) {
    try {
      return { found: true, bin: chosen, version: await run(chosen, ["version"], timeoutMs), source: "PULUMI_BIN" };
    } catch (error) {
      attempts.push({ where: `PULUMI_BIN (${chosen})`, why: (error as Error).message, launcher: false });
      return { found: false, reason: describeAttempts(attempts), attempts };
    }
  }
  const onPath = pulumiOnPath();
  if (onPath) {
    try {
      return { found: true, bin: "pulumi", version: await run("pulumi", ["version"], timeoutMs), source: onPath };
    } catch (error) {
      attempts.push({
        where: `pulumi on PATH (${onPath})`,
        why: (error as Error).message,
        launcher: isNpmLauncher(onPath),
      });
    }
  } else {
    attempts.push({ where: "pulumi on PATH", why: "not found", launcher: false });
  }
  if (!attempts.some((attempt) => attempt.launcher)) {
    try {
      // The npm package installs the CLI on first use; run it in a child so the timeout holds.
      const script =
        "require('pulumi/lib/resolve').resolve().then((bin) => console.log(bin), (e) => { console.error(e.message); process.exit(1); })";
      const bin = (await run(process.execPath, ["-e", script], timeoutMs, projectRoot)).split("\n").at(-1) ?? "";
      const version = await run(bin, ["version"], timeoutMs);
      return { found: true, bin, version, source: "the npm package pulumi" };
    } catch (error) {
      const why = (error as Error).message;
      const installed = !/Cannot find module 'pulumi\/lib\/resolve'/.test(why);
      attempts.push({
        where: "the npm package `pulumi`",
        why: installed ? why : "not installed here",
        launcher: installed,
      });
    }
  }
  const built = await build();
  if (built.built) {
    try {
      const version = await run(built.bin, ["version"], timeoutMs);
      return { found: true, bin: built.bin, version, source: `built from its Go modules (${built.bin})` };
    } catch (error) {
      attempts.push({
        where: `the CLI built from its Go modules (${built.bin})`,
        why: (error as Error).message,
        launcher: false,
      });
    }
  } else {
    attempts.push({ where: "building the CLI from its Go modules", why: built.why, launcher: false });
  }
  return { found: false, reason: describeAttempts(attempts), attempts };
}

function describeAttempts(attempts: CliAttempt[]): string {
  return attempts.map((attempt) => `${attempt.where}: ${attempt.why}`).join("; ");
}

/**
 * What a user reads when no CLI works: what is missing (the CLI program), why (including that the
 * npm package `pulumi` is a launcher whose download failed), and Pulumi's own ways to install it.
 */
export function missingCliMessage(lookup: Extract<CliLookup, { found: false }>): string {
  const lines = ["The Pulumi CLI is missing: no `pulumi` program could be run."];
  for (const attempt of lookup.attempts) {
    lines.push(
      attempt.launcher
        ? `  - ${attempt.where}: ${attempt.where.includes("npm package") ? "it is" : "this is the npm package `pulumi`,"} only a launcher that downloads the CLI binary from get.pulumi.com on first use, and that download failed (${attempt.why}).`
        : `  - ${attempt.where}: ${attempt.why}.`,
    );
  }
  lines.push(INSTALL_ADVICE);
  return lines.join("\n");
}

export const INSTALL_ADVICE = [
  "Install the CLI in one of Pulumi's official ways (https://www.pulumi.com/docs/iac/download-install/):",
  "  curl -fsSL https://get.pulumi.com | sh      (Linux, macOS; then open a new shell)",
  "  brew install pulumi/tap/pulumi              (macOS)",
  "  winget install pulumi                       (Windows)",
  "  the pulumi/actions step                     (GitHub Actions)",
  "or install Go 1.26 or newer (https://go.dev/dl/): this project then builds the Pulumi CLI it pins from its Go modules;",
  "or set PULUMI_BIN to a pulumi program you already have.",
].join("\n");

/** Why this CLI version cannot run a stack whose provider reads `chatkit:*` config, or undefined. */
export function cliVersionProblem(version: string): string | undefined {
  const match = /(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!match) return undefined;
  const [major, minor, patch] = match.slice(1).map(Number) as [number, number, number];
  const [needMajor, needMinor, needPatch] = MIN_CLI_VERSION.split(".").map(Number) as [number, number, number];
  const older = major !== needMajor ? major < needMajor : minor !== needMinor ? minor < needMinor : patch < needPatch;
  if (!older) return undefined;
  return (
    `Pulumi CLI ${version} is older than ${MIN_CLI_VERSION}. Before ${MIN_CLI_VERSION} the CLI passes a dynamic ` +
    "provider only config of the `pulumi-nodejs:` namespace, so `chatkit:apiKey` and the other `chatkit:` " +
    `settings would silently not arrive. Update the CLI (${"https://www.pulumi.com/docs/iac/download-install/"}).`
  );
}
