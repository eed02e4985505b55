/**
 * npm run bench [-- --json] [--rounds N] [--bulk N] [--rate R]
 *
 * Measures what the provider costs next to the API call it makes, against the local emulator on
 * loopback, with the plain `openai` SDK measured in the same run for the ratios.
 */
import { type ChildProcess as Child, type ChildProcess, execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import OpenAI from "openai";
import { VERSION as OPENAI_VERSION } from "openai/version";
import { SessionLifecycle } from "../provider/lifecycle";
import { normalize } from "../provider/normalize";
import { startHost } from "../tests/helpers/host";
import { ROOT } from "./localStack";

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

async function spawnEmulator(extra: string[] = []): Promise<Emulator> {
  const cli = path.join(ROOT, "dist", "emulator", "cli.js");
  const child = spawn(process.execPath, [cli, "--port", "0", "--quiet", ...extra], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once("exit", (code) => reject(new Error(`the emulator exited with ${code}`)));
  });
  return { url, process: child, close: () => child.kill() };
}

/**
 * The provider text as the resource class produces it, made in a child process: Pulumi's closure
 * serializer attaches a V8 inspector session, which would slow every later measurement here.
 */
function serializeInChild(): Promise<string> {
  const script = `require(${JSON.stringify(path.join(ROOT, "dist", "tests", "helpers", "mocks.js"))}).serializedProvider().then((text) => process.stdout.write(text))`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["-e", script], { cwd: ROOT, maxBuffer: 1 << 20 }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
  });
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
  for (let i = 0; i < 300; i++) {
    await providerCreate();
    await sdkCreate();
  }
  const providerTimes: number[] = [];
  const sdkTimes: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < 400; i++) {
      a.push(await timed(providerCreate));
      b.push(await timed(sdkCreate));
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
    const host = await startHost({ cwd: ROOT, env });
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

async function bulk(count: number, ratePerMinute: number, runs: number): Promise<Figure[]> {
  const floorMs = (Math.ceil(count / ratePerMinute) - 1) * 60_000;
  const walls: number[] = [];
  for (let run = 0; run < runs; run++) {
    const emulator = await spawnEmulator(["--rate-limit", String(ratePerMinute)]);
    const provider = new SessionLifecycle({ env: { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: emulator.url } });
    const ids = new Set<string>();
    const started = performance.now();
    await pool(count, 16, async (i) => ids.add((await provider.create({ ...INPUTS, user: `bulk-${i}` })).id));
    walls.push(performance.now() - started);
    if (ids.size !== count) throw new Error(`bulk created ${ids.size} of ${count}`);
    emulator.close();
  }
  return [
    figure(
      `bulk: ${count} creates, concurrency 16, limit ${ratePerMinute}/min`,
      "s",
      walls.map((w) => w / 1000),
    ),
    figure(
      "bulk wall time ÷ the floor the limit sets",
      "ratio",
      walls.map((w) => w / floorMs),
      ["≤ 1.1", (m) => m <= 1.1],
      `floor ${floorMs / 1000} s`,
    ),
  ];
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
    const host = await startHost({
      cwd: ROOT,
      env: { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: emulator.url, NODE_OPTIONS: nodeOptions },
    });
    await host.configure({});
    const marks: { done: number; rss: number; peak: number }[] = [];
    for (let done = 0; done < total; ) {
      const target = done + 250;
      await pool(target - done, 16, (i) => host.create({ __provider: provider, ...INPUTS, user: `mem-${done + i}` }));
      done = target;
      marks.push({ done, ...rssKiB(host.process) });
    }
    await host.close();
    return marks;
  };
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

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: "boolean", default: false },
      rounds: { type: "string", default: "7" },
      bulk: { type: "string", default: "1000" },
      rate: { type: "string", default: "600" },
      "bulk-runs": { type: "string", default: "2" },
    },
  });
  const rounds = Number(values.rounds);
  const say = (line: string) => {
    if (!values.json) process.stderr.write(`${line}\n`);
  };
  const emulator = await spawnEmulator();
  const provider = await serializeInChild();
  const figures: Figure[] = [
    figure("serialized __provider", "bytes", [Buffer.byteLength(provider)], ["≤ 4096", (m) => m <= 4096]),
  ];
  say("measuring create against the bare SDK …");
  figures.push(...(await createVsSdk(emulator, rounds)));
  say("measuring check + diff …");
  figures.push(...(await checkAndDiff(emulator, rounds)));
  say("measuring cold start and the host over gRPC …");
  figures.push(...(await coldStart(emulator, Math.min(rounds, 5), provider)));
  say("measuring memory …");
  figures.push(...(await memory(emulator, provider)));
  await emulator.close();
  if (Number(values.bulk) > 0) {
    say(
      `measuring bulk (about ${Number(values["bulk-runs"]) * Math.ceil(Number(values.bulk) / Number(values.rate) - 1)} min) …`,
    );
    figures.push(...(await bulk(Number(values.bulk), Number(values.rate), Number(values["bulk-runs"]))));
  }

  const result = { node: process.version, openai: OPENAI_VERSION, rounds, figures };
  if (values.json) {
    console.log(JSON.stringify(result));
    return;
  }
  const format = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2));
  console.log(`\nnode ${process.version}, openai ${result.openai}, ${rounds} rounds\n`);
  console.log("| figure | median | spread | unit | goal | met |");
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const f of figures) {
    const spread = f.min === f.max ? "" : `${format(f.min)}–${format(f.max)}`;
    const met = f.met === undefined ? "" : f.met ? "yes" : "**no**";
    console.log(
      `| ${f.figure}${f.note ? ` (${f.note})` : ""} | ${format(f.median)} | ${spread} | ${f.unit} | ${f.goal ?? "reported"} | ${met} |`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
