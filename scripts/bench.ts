/**
 * npm run bench [-- --json] [--rounds N] [--bulk N] [--rate R] [--bulk-runs N] [--phases a,b,…]
 *   [--bulk-retries N] [--retry-budget S] [--streams-seconds S] [--engine-counts 1,10,100]
 *   [--engine-rounds N]
 *
 * Measures what the provider costs next to the API call it makes, against the local emulator on
 * loopback, with the plain `openai` SDK measured in the same run for the ratios.
 *
 * Whatever happens, it stops every process it started (emulators, Pulumi hosts) and, on failure,
 * prints the figures measured so far before the error. A phase that runs longer than ten seconds
 * reports its progress every ten seconds.
 */
import { type ChildProcess as Child, type ChildProcess, execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import OpenAI from "openai";
import { VERSION as OPENAI_VERSION } from "openai/version";
import { SERIALIZED_PROVIDER } from "../provider/chatkitSessionProvider";
import { SessionLifecycle } from "../provider/lifecycle";
import { normalize } from "../provider/normalize";
import { measureEngine } from "./benchEngine";
import { measureStreams, p90 } from "./benchStreams";
import { findPulumiCli } from "./pulumiCli";
import { startHost } from "./tooling/host";
import { ROOT } from "./tooling/root";

const API_KEY = "sk-bench-0000000000";
const INPUTS = {
  user: "bench-user",
  workflow: { id: "wf_bench", version: "3", stateVariables: { plan: "pro", seats: 12, beta: true } },
  chatkitConfiguration: { fileUpload: { enabled: true, maxFiles: 5 }, history: { recentThreads: 10 } },
  expiresAfter: 600,
};
const BODY = {
  user: "bench-user",
  workflow: { id: "wf_bench", version: "3", state_variables: { plan: "pro", seats: 12, beta: true } },
  chatkit_configuration: { file_upload: { enabled: true, max_files: 5 }, history: { recent_threads: 10 } },
  expires_after: { anchor: "created_at" as const, seconds: 600 },
};

interface Figure {
  figure: string;
  unit: string;
  median: number;
  min: number;
  max: number;
  goal?: string;
  met?: boolean;
  note?: string;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};
/** Ratios of paired samples taken in the same round. */
const ratio = (numerators: number[], denominators: number[]) =>
  numerators.map((value, i) => value / (denominators[i] as number));
const figure = (
  name: string,
  unit: string,
  samples: number[],
  goal?: [string, (m: number) => boolean],
  note?: string,
): Figure => {
  const m = median(samples);
  return {
    figure: name,
    unit,
    median: m,
    min: Math.min(...samples),
    max: Math.max(...samples),
    ...(goal && { goal: goal[0], met: goal[1](m) }),
    ...(note && { note }),
  };
};

/** The emulator in a process of its own, so that its work does not share the measured event loop. */
interface Emulator {
  url: string;
  process: Child;
  close(): void;
}

/** Every process this run started and has not stopped yet: stopped on any exit, failure included. */
const running = new Set<ChildProcess>();

function track(child: ChildProcess): ChildProcess {
  running.add(child);
  child.once("exit", () => running.delete(child));
  return child;
}

/** Stops every process still running, and waits (up to two seconds each) until it has exited. */
async function stopAll(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => {
            child.kill("SIGKILL");
            resolve();
          }, 2000);
          child.once("exit", () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill();
        }),
    ),
  );
}

async function spawnEmulator(extra: string[] = []): Promise<Emulator> {
  const cli = path.join(ROOT, "dist", "emulator", "cli.js");
  const child = track(
    spawn(process.execPath, [cli, "--port", "0", "--quiet", ...extra], { stdio: ["ignore", "pipe", "inherit"] }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.once("data", (chunk: Buffer) => resolve(chunk.toString().split("\n")[0]?.trim() ?? ""));
    child.once("exit", (code) => reject(new Error(`the emulator exited with ${code}`)));
  });
  say(`emulator started (pid ${child.pid})`);
  return { url, process: child, close: () => child.kill() };
}

/** Starts a Pulumi host that stopAll() stops if the run fails before closing it. */
async function trackedHost(options: Parameters<typeof startHost>[0]) {
  const host = await startHost(options);
  track(host.process);
  return host;
}

/** What the running phase has done, for the progress line. */
const progress = { done: 0, total: 0 };

let quiet = false;
function say(line: string): void {
  if (!quiet) process.stderr.write(`${line}\n`);
}

/** Runs one phase, reporting its progress every ten seconds while it runs. */
async function phase<T>(name: string, run: () => Promise<T>): Promise<T> {
  say(`measuring ${name} …`);
  progress.done = 0;
  progress.total = 0;
  const started = performance.now();
  const ticker = setInterval(() => {
    const seconds = Math.round((performance.now() - started) / 1000);
    const count = progress.total ? `: ${progress.done} of ${progress.total} calls done` : "";
    say(`  … ${name}, ${seconds} s${count}`);
  }, 10_000);
  try {
    return await run();
  } finally {
    clearInterval(ticker);
  }
}

async function pool(count: number, concurrency: number, task: (index: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

async function timed(call: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await call();
  return (performance.now() - started) * 1000;
}

/**
 * Per round, calls alternate (provider, SDK, provider, SDK …) so that both see the same machine;
 * each round gives the median of each side and their ratio.
 */
async function createVsSdk(emulator: Emulator, rounds: number): Promise<Figure[]> {
  const env = { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: emulator.url };
  const provider = new SessionLifecycle({ env });
  const sdk = new OpenAI({ apiKey: API_KEY, baseURL: emulator.url, maxRetries: 0, timeout: 30_000 });
  const providerCreate = () => provider.create(INPUTS);
  const sdkCreate = () => sdk.beta.chatkit.sessions.create(BODY);
  progress.total = 600 + rounds * 800;
  for (let i = 0; i < 300; i++) {
    await providerCreate();
    await sdkCreate();
    progress.done += 2;
  }
  const providerTimes: number[] = [];
  const sdkTimes: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < 400; i++) {
      a.push(await timed(providerCreate));
      b.push(await timed(sdkCreate));
      progress.done += 2;
    }
    providerTimes.push(median(a));
    sdkTimes.push(median(b));
  }
  return [
    figure("provider create (in process)", "µs/call", providerTimes),
    figure("bare SDK create", "µs/call", sdkTimes),
    figure("provider create ÷ bare SDK create", "ratio", ratio(providerTimes, sdkTimes), ["≤ 1.05", (m) => m <= 1.05]),
  ];
}

async function checkAndDiff(emulator: Emulator, rounds: number): Promise<Figure[]> {
  const provider = new SessionLifecycle({ env: { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: emulator.url } });
  const resources = Array.from({ length: 1000 }, (_, i) => ({ ...INPUTS, user: `bench-${i}` }));
  const olds = resources.map((inputs) => ({
    ...normalize(inputs),
    status: "active",
    expiresAt: Date.now() / 1000 + 600,
  }));
  const realFetch = globalThis.fetch;
  let networkCalls = 0;
  globalThis.fetch = (...args) => {
    networkCalls++;
    return realFetch(...args);
  };
  const samples: number[] = [];
  try {
    for (let round = 0; round < rounds + 1; round++) {
      const started = performance.now();
      for (const [i, news] of resources.entries()) {
        await provider.check({}, news);
        await provider.diff(`cksess_${i}`, olds[i] as Record<string, unknown>, news);
      }
      if (round > 0) samples.push(((performance.now() - started) * 1000) / resources.length);
    }
  } finally {
    globalThis.fetch = realFetch;
  }
  return [
    figure("check + diff per resource (1,000 resources)", "µs", samples, ["≤ 100 µs", (m) => m <= 100]),
    figure("network calls during check + diff", "calls", [networkCalls], ["0", (m) => m === 0]),
  ];
}

function timeChild(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(file, args, { env: { ...process.env, ...env }, cwd: ROOT }, (error) =>
      error ? reject(error) : resolve(performance.now() - started),
    );
  });
}

async function coldStart(emulator: Emulator, rounds: number, provider: string): Promise<Figure[]> {
  const bare = `const OpenAI = require("openai").default;
new OpenAI({ maxRetries: 0 }).beta.chatkit.sessions.create(${JSON.stringify(BODY)}).then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });`;
  const env = { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: emulator.url };
  const hostTimes: number[] = [];
  const hostStarts: number[] = [];
  const oursTimes: number[] = [];
  const bareTimes: number[] = [];
  const overGrpc: number[] = [];
  const sdkOnce: number[] = [];
  const sdk = new OpenAI({ apiKey: API_KEY, baseURL: emulator.url, maxRetries: 0 });
  for (let round = 0; round < rounds; round++) {
    const bareMs = await timeChild(process.execPath, ["-e", bare], env);
    const started = performance.now();
    const host = await trackedHost({ cwd: ROOT, env });
    await host.configure({});
    await host.create({ __provider: provider, ...INPUTS });
    const hostMs = performance.now() - started;
    // Warm: one create through the host over gRPC next to one bare SDK call.
    const grpc: number[] = [];
    const direct: number[] = [];
    for (let i = 0; i < 50; i++) {
      let t = performance.now();
      await host.create({ __provider: provider, ...INPUTS });
      grpc.push((performance.now() - t) * 1000);
      t = performance.now();
      await sdk.beta.chatkit.sessions.create(BODY);
      direct.push((performance.now() - t) * 1000);
    }
    await host.close();
    hostTimes.push(hostMs);
    hostStarts.push(host.startupMs);
    oursTimes.push(hostMs - host.startupMs);
    bareTimes.push(bareMs);
    overGrpc.push(median(grpc));
    sdkOnce.push(median(direct));
  }
  return [
    figure("cold start: host spawn → first create done", "ms", hostTimes),
    figure("cold start: bare node -e + one SDK create", "ms", bareTimes),
    figure("cold start ratio", "ratio", ratio(hostTimes, bareTimes), ["≤ 1.3", (m) => m <= 1.3]),
    figure("of which: the Pulumi host starting, before any provider code", "ms", hostStarts),
    figure("of which: ours, host listening → provider loaded, configured, first create done", "ms", oursTimes),
    figure("ours ÷ bare node -e + one SDK create", "ratio", ratio(oursTimes, bareTimes)),
    figure("create through the real host (gRPC)", "µs/call", overGrpc),
    figure("the same create with the bare SDK", "µs/call", sdkOnce),
    figure("host create ÷ bare SDK create", "ratio", ratio(overGrpc, sdkOnce)),
  ];
}

/**
 * Creates `count` sessions with 16 in flight against an emulator that allows `ratePerMinute`:
 * past the first minute's worth, every create waits for the limit, so the provider's retry
 * policy decides how close the wall time comes to the floor the limit sets.
 *
 * The provider runs with chatkit:maxRetries `retries` (10 by default, not 4): once the minute is
 * used up, 16 creates share one key's slots as they free up, and a create can lose that race
 * several times in a row: with the default 4 retries, one bulk run in four failed on this machine
 * (a create still refused after 5 attempts).
 * A stack this close to its limit needs the same setting, or less parallelism.
 */
async function bulk(
  count: number,
  ratePerMinute: number,
  runs: number,
  retries: number,
  retryBudgetSeconds: number | undefined,
): Promise<Figure[]> {
  const floorMs = (Math.ceil(count / ratePerMinute) - 1) * 60_000;
  const walls: number[] = [];
  progress.total = count * runs;
  for (let run = 0; run < runs; run++) {
    const emulator = await spawnEmulator(["--rate-limit", String(ratePerMinute)]);
    const provider = new SessionLifecycle({ env: { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: emulator.url } });
    const config: Record<string, string> = { "chatkit:maxRetries": String(retries) };
    if (retryBudgetSeconds !== undefined) config["chatkit:retryBudgetSeconds"] = String(retryBudgetSeconds);
    await provider.configure({ config: { get: (key: string) => config[key] } });
    const ids = new Set<string>();
    const started = performance.now();
    await pool(count, 16, async (i) => {
      ids.add((await provider.create({ ...INPUTS, user: `bulk-${i}` })).id);
      progress.done++;
    });
    walls.push(performance.now() - started);
    if (ids.size !== count) throw new Error(`bulk created ${ids.size} of ${count}`);
    emulator.close();
  }
  const figures = [
    figure(
      `bulk: ${count} creates, concurrency 16, limit ${ratePerMinute}/min, chatkit:maxRetries ${retries}`,
      "s",
      walls.map((w) => w / 1000),
    ),
  ];
  if (floorMs > 0) {
    figures.push(
      figure(
        "bulk wall time ÷ the floor the limit sets",
        "ratio",
        walls.map((w) => w / floorMs),
        ["≤ 1.1", (m) => m <= 1.1],
        `floor ${floorMs / 1000} s`,
      ),
    );
  }
  return figures;
}

function rssKiB(child: ChildProcess): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${child.pid}/status`, "utf8");
  const read = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  return { rss: read("VmRSS"), peak: read("VmHWM") };
}

/**
 * The host after many creates. RSS alone mostly shows how lazily V8 collects, so the growth per
 * resource is measured with the host's old space capped at 64 MiB: garbage is then collected and
 * only what is really retained can grow (a leak would end in an out-of-memory crash).
 */
async function memory(emulator: Emulator, provider: string): Promise<Figure[]> {
  const run = async (nodeOptions: string, total: number) => {
    const host = await trackedHost({
      cwd: ROOT,
      env: { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: emulator.url, NODE_OPTIONS: nodeOptions },
    });
    await host.configure({});
    const marks: { done: number; rss: number; peak: number }[] = [];
    for (let done = 0; done < total; ) {
      const target = done + 250;
      await pool(target - done, 16, (i) => host.create({ __provider: provider, ...INPUTS, user: `mem-${done + i}` }));
      done = target;
      progress.done += 250;
      marks.push({ done, ...rssKiB(host.process) });
    }
    await host.close();
    return marks;
  };
  progress.total = 7000;
  const natural = await run("", 1000);
  const capped = await run("--max-old-space-size=64", 6000);
  // Least-squares slope of RSS over the marks after warm-up: one reading is noisy (±4 MiB).
  const steady = capped.filter((mark) => mark.done >= 1500);
  const meanX = steady.reduce((sum, m) => sum + m.done, 0) / steady.length;
  const meanY = steady.reduce((sum, m) => sum + m.rss * 1024, 0) / steady.length;
  const slope =
    steady.reduce((sum, m) => sum + (m.done - meanX) * (m.rss * 1024 - meanY), 0) /
    steady.reduce((sum, m) => sum + (m.done - meanX) ** 2, 0);
  return [
    figure("host peak RSS after 1,000 creates", "MiB", [(natural.at(-1)?.peak ?? 0) / 1024]),
    figure(
      "host RSS, heap capped at 64 MiB, 1,500 to 6,000 creates",
      "MiB",
      steady.map((mark) => mark.rss / 1024),
    ),
    figure(
      "host RSS growth per resource (slope, 1,500 → 6,000, capped heap)",
      "bytes",
      [slope],
      ["flat (≤ 1 KiB)", (m) => m <= 1024],
    ),
  ];
}

/** pulumi preview and up of sessions beside the same count of no-op dynamic resources, through the CLI. */
async function engine(counts: number[], rounds: number): Promise<Figure[]> {
  const cli = await findPulumiCli(8_000);
  if (!cli.found) throw new Error(`the engine phase needs the Pulumi CLI: ${cli.reason}`);
  const emulator = await spawnEmulator();
  const samples = await measureEngine(cli.bin, emulator.url, API_KEY, counts, rounds, say);
  emulator.close();
  const figures: Figure[] = [];
  for (const count of counts) {
    const noop = samples.find((sample) => sample.kind === "noop" && sample.count === count)!;
    const session = samples.find((sample) => sample.kind === "session" && sample.count === count)!;
    const goal = count >= 100 ? (["≤ 1.2", (m: number) => m <= 1.2] as [string, (m: number) => boolean]) : undefined;
    figures.push(
      figure(`pulumi preview, ${count} session(s)`, "s", session.preview),
      figure(`pulumi preview, ${count} no-op dynamic resource(s)`, "s", noop.preview),
      figure(`pulumi preview, ${count}: sessions / no-op`, "×", ratio(session.preview, noop.preview), goal),
      figure(`pulumi up, ${count} session(s)`, "s", session.up),
      figure(`pulumi up, ${count} no-op dynamic resource(s)`, "s", noop.up),
      figure(`pulumi up, ${count}: sessions / no-op`, "×", ratio(session.up, noop.up), goal),
    );
  }
  const largest = Math.max(...counts);
  const stateOf = (kind: string) => samples.find((sample) => sample.kind === kind && sample.count === largest)!;
  figures.push(
    figure("state per session (pulumi stack export)", "bytes", [stateOf("session").stateBytesPerResource]),
    figure("state per no-op dynamic resource", "bytes", [stateOf("noop").stateBytesPerResource]),
  );
  return figures;
}

/** The emulator under 500 live-page streams, 100 of them stalled: see benchStreams.ts. */
async function streams(seconds: number): Promise<Figure[]> {
  progress.total = seconds * 20;
  const started = (pid: number) => say(`emulator started (pid ${pid})`);
  const result = await measureStreams({ root: ROOT, track, seconds, started });
  progress.done = result.createMs.length;
  const note = `500 streams, 100 never reading, ${result.createMs.length} creates over ${seconds} s`;
  return [
    figure("emulator create p90 under event streams", "ms", [p90(result.createMs)], ["≤ 100", (m) => m <= 100], note),
    figure("emulator create median under event streams", "ms", result.createMs),
    figure(
      "emulator stayed up, streams still open",
      "streams",
      [result.streamsOpen],
      ["500, up", (m) => m === 500 && result.stayedUp],
    ),
    figure("emulator heap growth under event streams (after GC)", "MiB", [result.heapGrowthMiB]),
    figure("emulator RSS growth under event streams", "MiB", [result.rssGrowthMiB]),
    figure("streamed to the 400 reading pages meanwhile", "MiB", [result.streamedMiB]),
  ];
}

const PHASES = ["serialize", "create", "check", "cold", "memory", "bulk", "streams", "engine"] as const;

function printTable(result: { node: string; openai: string; rounds: number; figures: Figure[] }): void {
  const format = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2));
  console.log(`\nnode ${result.node}, openai ${result.openai}, ${result.rounds} rounds\n`);
  console.log("| figure | median | spread | unit | goal | met |");
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const f of result.figures) {
    const spread = f.min === f.max ? "" : `${format(f.min)}–${format(f.max)}`;
    const met = f.met === undefined ? "" : f.met ? "yes" : "**no**";
    console.log(
      `| ${f.figure}${f.note ? ` (${f.note})` : ""} | ${format(f.median)} | ${spread} | ${f.unit} | ${f.goal ?? "reported"} | ${met} |`,
    );
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: "boolean", default: false },
      rounds: { type: "string", default: "7" },
      bulk: { type: "string", default: "1000" },
      rate: { type: "string", default: "600" },
      "bulk-runs": { type: "string", default: "2" },
      "retry-budget": { type: "string" },
      "bulk-retries": { type: "string", default: "10" },
      "streams-seconds": { type: "string", default: "30" },
      phases: { type: "string", default: PHASES.join(",") },
      "engine-counts": { type: "string", default: "1,10,100" },
      "engine-rounds": { type: "string", default: "2" },
    },
  });
  quiet = values.json;
  const rounds = Number(values.rounds);
  const phases = new Set(values.phases.split(",").map((name) => name.trim()));
  for (const name of phases) {
    if (!PHASES.includes(name as (typeof PHASES)[number])) {
      throw new Error(`unknown phase '${name}'; the phases are ${PHASES.join(", ")}`);
    }
  }
  const result = { node: process.version, openai: OPENAI_VERSION, rounds, figures: [] as Figure[] };
  const report = () => (values.json ? console.log(JSON.stringify(result)) : printTable(result));
  const stop = (signal: NodeJS.Signals) => {
    say(`bench: ${signal}, stopping what it started`);
    stopAll().finally(() => process.exit(130));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    const figures = result.figures;
    const needsProvider = phases.has("serialize") || phases.has("cold") || phases.has("memory");
    // What every session records, as tests/sdk checks the resource class writes it.
    const provider = needsProvider ? SERIALIZED_PROVIDER : "";
    if (phases.has("serialize")) {
      figures.push(
        figure("serialized __provider", "bytes", [Buffer.byteLength(provider)], ["≤ 1024", (m) => m <= 1024]),
      );
    }
    const shared = ["create", "check", "cold", "memory"].some((name) => phases.has(name))
      ? await spawnEmulator()
      : undefined;
    if (shared) {
      if (phases.has("create"))
        figures.push(...(await phase("create against the bare SDK", () => createVsSdk(shared, rounds))));
      if (phases.has("check")) figures.push(...(await phase("check + diff", () => checkAndDiff(shared, rounds))));
      if (phases.has("cold")) {
        figures.push(
          ...(await phase("cold start and the host over gRPC", () => coldStart(shared, Math.min(rounds, 5), provider))),
        );
      }
      if (phases.has("memory")) figures.push(...(await phase("memory", () => memory(shared, provider))));
      shared.close();
    }
    if (phases.has("bulk") && Number(values.bulk) > 0) {
      const count = Number(values.bulk);
      const rate = Number(values.rate);
      const runs = Number(values["bulk-runs"]);
      const budget = values["retry-budget"] === undefined ? undefined : Number(values["retry-budget"]);
      const minutes = runs * Math.max(0, Math.ceil(count / rate) - 1);
      figures.push(
        ...(await phase(`bulk (about ${minutes} min)`, () =>
          bulk(count, rate, runs, Number(values["bulk-retries"]), budget),
        )),
      );
    }
    if (phases.has("streams")) {
      const seconds = Number(values["streams-seconds"]);
      figures.push(...(await phase("the emulator under event streams", () => streams(seconds))));
    }
    if (phases.has("engine")) {
      const counts = values["engine-counts"].split(",").map(Number);
      figures.push(
        ...(await phase("pulumi preview and up through the CLI", () =>
          engine(counts, Number(values["engine-rounds"])),
        )),
      );
    }
  } catch (error) {
    if (result.figures.length) {
      say("bench: failed; the figures measured before the failure:");
      report();
    } else say("bench: failed before any figure was measured");
    throw error;
  } finally {
    await stopAll();
  }
  report();
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
