/**
 * The bench's `streams` phase: the emulator under 500 open live-page streams, 100 of which never
 * read, while creates arrive at a steady rate. It reports the create latencies (the goal: p90 within
 * 100 ms), whether the emulator stayed up, and how much its heap and RSS grew.
 *
 * The emulator runs in a process of its own with its old space capped, so that memory held per
 * change or per stream would end in a crash rather than in a slow figure; it reports its own
 * memory (after a GC) over the IPC channel.
 */
import { spawn } from "node:child_process";
import * as net from "node:net";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { ROOT } from "../tooling/root";
import { announceEmulator } from "./emulator";
import { type Figure, figure } from "./figures";
import { track } from "./processes";
import { progress } from "./progress";

const CLIENTS = 500;
const STALLED = 100;
const CREATES_PER_SECOND = 20;

interface StreamsResult {
  createMs: number[];
  heapGrowthMiB: number;
  rssGrowthMiB: number;
  stayedUp: boolean;
  /** Streams still open at the end, of those opened. */
  streamsOpen: number;
  /** What the reading streams received while the creates ran. */
  streamedMiB: number;
}

interface Memory {
  heapUsed: number;
  rss: number;
}

const BODY = JSON.stringify({
  user: "bench-streams",
  workflow: { id: "wf_bench", state_variables: { plan: "pro" } },
});

/** The emulator in its own process, answering "memory?" over IPC. */
async function startEmulatorProcess() {
  const server = JSON.stringify(path.join(ROOT, "dist", "emulator", "server.js"));
  const script = `
    require(${server}).startEmulator({ port: 0 }).then((emulator) => {
      process.send({ url: emulator.url });
      process.on("message", () => {
        global.gc();
        const { heapUsed, rss } = process.memoryUsage();
        process.send({ heapUsed, rss });
      });
    });
    process.on("disconnect", () => process.exit(0));`;
  const child = track(
    spawn(process.execPath, ["--expose-gc", "--max-old-space-size=256", "-e", script], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    }),
  );
  const next = <T>() =>
    new Promise<T>((resolve, reject) => {
      child.once("message", (message) => resolve(message as T));
      child.once("exit", (code) => reject(new Error(`the emulator exited with ${code}`)));
    });
  const { url } = await next<{ url: string }>();
  announceEmulator(child.pid ?? 0);
  const memory = () => {
    const answer = next<Memory>();
    child.send("memory?");
    return answer;
  };
  return { url, child, memory };
}

/** A raw connection holding the page's event stream open; a stalled one never reads what it is sent. */
function openStream(port: number, stalled: boolean, received: { bytes: number }): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => {
      socket.write(`GET /_emulator/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
      socket.once("data", (first: Buffer) => {
        if (!first.toString("latin1").startsWith("HTTP/1.1 200")) return reject(new Error("a stream was refused"));
        if (stalled) socket.pause();
        else
          socket.on("data", (part: Buffer) => {
            received.bytes += part.length;
          });
        resolve(socket);
      });
    });
    socket.once("error", reject);
  });
}

const p90 = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.9) - 1)] ?? Number.NaN;
};

async function measureStreams(seconds: number): Promise<StreamsResult> {
  const emulator = await startEmulatorProcess();
  const port = Number(new URL(emulator.url).port);
  const create = async () => {
    const started = performance.now();
    const response = await fetch(`${emulator.url}/chatkit/sessions`, {
      method: "POST",
      headers: {
        authorization: "Bearer sk-bench-streams",
        "openai-beta": "chatkit_beta=v1",
        "content-type": "application/json",
      },
      body: BODY,
    });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`a create was answered ${response.status}`);
    return performance.now() - started;
  };
  const sockets: net.Socket[] = [];
  try {
    // Enough sessions first for full-sized snapshots (the page shows the newest 100).
    for (let i = 0; i < 120; i++) await create();
    const before = await emulator.memory();
    const received = { bytes: 0 };
    for (let i = 0; i < CLIENTS; i++) sockets.push(await openStream(port, i < STALLED, received));
    received.bytes = 0;
    // Creates go out on a fixed schedule, not one after another: a create that waits behind a
    // stalled event loop does not hold back the next, so every create during a stall counts.
    const calls: Promise<number>[] = [];
    const total = seconds * CREATES_PER_SECOND;
    const started = performance.now();
    for (let i = 0; i < total; i++) {
      const wait = started + (i * 1000) / CREATES_PER_SECOND - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      calls.push(create());
    }
    const createMs = await Promise.all(calls);
    const after = await emulator.memory();
    return {
      createMs,
      heapGrowthMiB: (after.heapUsed - before.heapUsed) / (1024 * 1024),
      rssGrowthMiB: (after.rss - before.rss) / (1024 * 1024),
      stayedUp: emulator.child.exitCode === null && emulator.child.signalCode === null,
      streamsOpen: sockets.filter((socket) => !socket.destroyed).length,
      streamedMiB: received.bytes / (1024 * 1024),
    };
  } finally {
    for (const socket of sockets) socket.destroy();
    emulator.child.disconnect();
  }
}

export async function streams(seconds: number): Promise<Figure[]> {
  progress.total = seconds * CREATES_PER_SECOND;
  const result = await measureStreams(seconds);
  progress.done = result.createMs.length;
  const note = `${CLIENTS} streams, ${STALLED} never reading, ${result.createMs.length} creates over ${seconds} s`;
  return [
    figure("emulator create p90 under event streams", "ms", [p90(result.createMs)], ["≤ 100", (m) => m <= 100], note),
    figure("emulator create median under event streams", "ms", result.createMs),
    figure(
      "emulator stayed up, streams still open",
      "streams",
      [result.streamsOpen],
      [`${CLIENTS}, up`, (m) => m === CLIENTS && result.stayedUp],
    ),
    figure("emulator heap growth under event streams (after GC)", "MiB", [result.heapGrowthMiB]),
    figure("emulator RSS growth under event streams", "MiB", [result.rssGrowthMiB]),
    figure(`streamed to the ${CLIENTS - STALLED} reading pages meanwhile`, "MiB", [result.streamedMiB]),
  ];
}
