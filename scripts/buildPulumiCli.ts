import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * The Pulumi CLI built from its Go modules, for machines where Pulumi's own installers cannot
 * download it. scripts/cli/go.mod pins the release (pkg/v3 and sdk/v3 at the same version); the
 * build goes where the npm launcher and the Automation API look for an installed CLI,
 * `$PULUMI_HOME/versions/<version>/bin` (default ~/.pulumi), beside the plugins it needs:
 * - `pulumi-language-nodejs`: the release's own host is not published as a Go module, so
 *   scripts/cli/language-nodejs is a small one of this project's (it runs the program's own
 *   @pulumi/pulumi, as the release's host does);
 * - `pulumi-resource-pulumi-nodejs`: the dynamic-provider plugin, a script from the sdk/v3 module;
 * - `pulumi-language-python`: scripts/cli/language-python, a small host of this project's for the same
 *   reason, beside `pulumi-language-python-exec`, the sdk/v3 module's script that it runs with the
 *   program's Python (scripts/cli/internal/langhost holds what the hosts share);
 * - `pulumi-language-go`: scripts/cli/language-go, the same for Go programs (`go build`, then the
 *   binary);
 * - `pulumi-language-yaml`: the YAML host, from pulumi-yaml's own module at the release that
 *   scripts/cli/language-yaml/go.mod pins (it is built against an older pkg/v3 than the CLI, so in
 *   a module of its own), for YAML programs of the provider plugin (provider/plugin).
 */
export const CLI_MODULE_DIR = path.resolve(__dirname, "../../scripts/cli");

/** The release scripts/cli/go.mod pins, e.g. "3.276.0". */
export function pinnedCliVersion(moduleDir = CLI_MODULE_DIR): string {
  const goMod = fs.readFileSync(path.join(moduleDir, "go.mod"), "utf8");
  const pinned = (module: string) =>
    new RegExp(`^\\s*github\\.com/pulumi/pulumi/${module}/v3 v(\\d+\\.\\d+\\.\\d+)(\\s*// indirect)?\\s*$`, "m").exec(
      goMod,
    )?.[1];
  const pkg = pinned("pkg");
  // The CLI is what the release compiled only when both modules are at that release.
  if (!pkg || pinned("sdk") !== pkg) {
    throw new Error("scripts/cli/go.mod must pin github.com/pulumi/pulumi/pkg/v3 and sdk/v3 to the same release");
  }
  return pkg;
}

/** The YAML host's module, inside the CLI's folder. */
const YAML_MODULE = "language-yaml";

/** The pulumi-yaml release scripts/cli/language-yaml/go.mod pins, e.g. "1.25.0". */
export function pinnedYamlVersion(moduleDir = CLI_MODULE_DIR): string {
  const goMod = fs.readFileSync(path.join(moduleDir, YAML_MODULE, "go.mod"), "utf8");
  const pinned = /^\s*github\.com\/pulumi\/pulumi-yaml v(\d+\.\d+\.\d+)(\s*\/\/ indirect)?\s*$/m.exec(goMod)?.[1];
  if (!pinned) throw new Error("scripts/cli/language-yaml/go.mod must pin github.com/pulumi/pulumi-yaml to a release");
  return pinned;
}

/** Where the CLI of that version is installed: what the npm launcher and the Automation API read. */
export function installDir(version: string, env: NodeJS.ProcessEnv = process.env): string {
  const home = env.PULUMI_HOME || path.join(os.homedir(), ".pulumi");
  return path.join(home, "versions", version, "bin");
}

/** Written beside the binaries: which sources they were built from, so an unchanged build is reused. */
const STAMP = ".pulumi-chatkit-build";
const PROGRAMS = [
  "pulumi",
  "pulumi-language-nodejs",
  "pulumi-resource-pulumi-nodejs",
  "pulumi-language-python",
  "pulumi-language-python-exec",
  "pulumi-language-go",
  "pulumi-language-yaml",
];
/** This project's Go folders in the CLI's module. */
const HOST_SOURCES = ["language-nodejs", "language-python", "language-go", path.join("internal", "langhost")];

function sourceHash(moduleDir: string): string {
  const hash = createHash("sha256");
  const files = [
    "go.mod",
    "go.sum",
    path.join(YAML_MODULE, "go.mod"),
    path.join(YAML_MODULE, "go.sum"),
    ...HOST_SOURCES.flatMap((folder) =>
      fs.readdirSync(path.join(moduleDir, folder)).map((name) => path.join(folder, name)),
    ),
  ];
  for (const file of files.sort())
    hash
      .update(file)
      .update("\0")
      .update(fs.readFileSync(path.join(moduleDir, file)))
      .update("\0");
  return hash.digest("hex");
}

export type BuildResult =
  | { built: true; bin: string; version: string; reused: boolean }
  | { built: false; why: string };

interface BuildOptions {
  moduleDir?: string;
  env?: NodeJS.ProcessEnv;
  /** Progress lines for the user (a cold build takes minutes). */
  log?: (line: string) => void;
  /** How often a line says the build is still running. */
  progressEveryMs?: number;
}

/**
 * Builds the pinned CLI and its plugins unless the same sources were built there before.
 * Never throws: a machine without `go`, or a proxy that refuses a module, is told in `why`.
 */
export async function buildPulumiCli(options: BuildOptions = {}): Promise<BuildResult> {
  const moduleDir = options.moduleDir ?? CLI_MODULE_DIR;
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.error(line));
  let version: string;
  let stamp: string;
  try {
    version = pinnedCliVersion(moduleDir);
    stamp = sourceHash(moduleDir);
  } catch (error) {
    return { built: false, why: (error as Error).message };
  }
  const dir = installDir(version, env);
  const bin = path.join(dir, "pulumi");
  const complete = PROGRAMS.every((name) => fs.existsSync(path.join(dir, name)));
  if (complete && readStamp(dir) === stamp) return { built: true, bin, version, reused: true };

  const go = await runGo(["version"], { cwd: moduleDir, env }, () => {});
  if (go.code !== 0) {
    return {
      built: false,
      why:
        go.code === -1
          ? "`go` is not installed, so the CLI cannot be built from its Go modules: install Go 1.26 or newer (https://go.dev/dl/) and run this again"
          : `\`go version\` failed: ${lastLine(go.output)}`,
    };
  }
  fs.mkdirSync(dir, { recursive: true });
  const ldflags = `-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${version}`;
  const goBuild = (output: string, pkg: string, flags = ldflags) => [
    "build",
    "-v",
    "-tags",
    "osusergo",
    "-ldflags",
    flags,
    "-o",
    output,
    pkg,
  ];
  const yamlVersion = pinnedYamlVersion(moduleDir);
  const steps: Array<{ what: string; args: string[]; cwd?: string }> = [
    { what: `the Pulumi CLI v${version}`, args: goBuild(bin, "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi") },
    { what: "pulumi-language-nodejs", args: goBuild(path.join(dir, "pulumi-language-nodejs"), "./language-nodejs") },
    { what: "pulumi-language-python", args: goBuild(path.join(dir, "pulumi-language-python"), "./language-python") },
    { what: "pulumi-language-go", args: goBuild(path.join(dir, "pulumi-language-go"), "./language-go") },
    {
      what: `pulumi-language-yaml v${yamlVersion}`,
      args: goBuild(
        path.join(dir, "pulumi-language-yaml"),
        "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml",
        `-X github.com/pulumi/pulumi-yaml/pkg/version.Version=v${yamlVersion}`,
      ),
      cwd: path.join(moduleDir, YAML_MODULE),
    },
  ];
  log(
    `Building the Pulumi CLI v${version} from its Go modules into ${dir} (${go.output.trim()}). ` +
      "A first build downloads a few hundred MB through the Go module proxy and compiles for several minutes; " +
      "later ones reuse Go's caches and take seconds.",
  );
  const started = Date.now();
  for (const step of steps) {
    let compiled = 0;
    const timer = setInterval(
      () =>
        log(
          `  still building ${step.what}: ${Math.round((Date.now() - started) / 1000)} s, ${compiled} packages compiled so far`,
        ),
      options.progressEveryMs ?? 30_000,
    );
    const result = await runGo(step.args, { cwd: step.cwd ?? moduleDir, env }, (line) => {
      // `go build -v` names each package as it compiles it.
      if (!line.startsWith("go: ")) compiled += 1;
    });
    clearInterval(timer);
    if (result.code !== 0) return { built: false, why: goFailure(step.what, result.output, env) };
  }
  const sdkDir = await runGo(
    ["list", "-m", "-f", "{{.Dir}}", "github.com/pulumi/pulumi/sdk/v3"],
    { cwd: moduleDir, env },
    () => {},
  );
  if (sdkDir.code !== 0) return { built: false, why: goFailure("the sdk/v3 module", sdkDir.output, env) };
  // Module-cache files are read-only: write a copy, then make it executable.
  const scripts = [
    ["nodejs", "dist", "pulumi-resource-pulumi-nodejs"],
    ["python", "cmd", "pulumi-language-python-exec"],
  ];
  for (const from of scripts) {
    const script = path.join(dir, from.at(-1) as string);
    fs.rmSync(script, { force: true });
    fs.writeFileSync(script, fs.readFileSync(path.join(sdkDir.output.trim(), ...from)));
    fs.chmodSync(script, 0o755);
  }
  fs.writeFileSync(path.join(dir, STAMP), stamp);
  log(`Built the Pulumi CLI v${version} in ${Math.round((Date.now() - started) / 1000)} s.`);
  return { built: true, bin, version, reused: false };
}

function readStamp(dir: string): string | undefined {
  try {
    return fs.readFileSync(path.join(dir, STAMP), "utf8");
  } catch {
    return undefined;
  }
}

function lastLine(text: string): string {
  return text.trim().split("\n").at(-1) ?? "";
}

/** What a failed go command means for the user: a refused download names the proxy. */
function goFailure(what: string, output: string, env: NodeJS.ProcessEnv): string {
  const lines = output
    .trim()
    .split("\n")
    .filter((line) => !/^[\w./-]+$/.test(line));
  const detail = lines.slice(-3).join(" / ");
  const proxy = env.GOPROXY || "https://proxy.golang.org,direct";
  if (
    /GOPROXY|proxy|403|404 Not Found|dial tcp|lookup .* on|no such host|connection refused|i\/o timeout/i.test(output)
  ) {
    return `the Go module proxy (GOPROXY=${proxy}) did not serve what ${what} needs: ${detail}. Check that this machine reaches the proxy (or set GOPROXY to one it reaches), then run this again`;
  }
  return `go could not build ${what}: ${detail}`;
}

/** Runs go, handing each output line to onLine; code -1 when go is not on PATH. */
function runGo(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
  onLine: (line: string) => void,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("go", args, { cwd: options.cwd, env: { ...options.env, GOFLAGS: "-mod=readonly" } });
    let output = "";
    let partial = "";
    const read = (chunk: Buffer) => {
      const text = chunk.toString();
      // Only the end of the output is kept for messages.
      output = (output + text).slice(-20_000);
      const lines = (partial + text).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) onLine(line);
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.once("error", (error: NodeJS.ErrnoException) =>
      resolve({ code: error.code === "ENOENT" ? -1 : 1, output: error.message }),
    );
    child.once("close", (code) => resolve({ code: code ?? 1, output }));
  });
}
