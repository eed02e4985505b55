import { execFile } from "node:child_process";
import { performance } from "node:perf_hooks";
import OpenAI from "openai";
import { SERIALIZED_PROVIDER } from "../../provider/chatkitSessionProvider";
import { ROOT } from "../tooling/root";
import type { Emulator } from "./emulator";
import { type Figure, figure, median, ratio } from "./figures";
import { trackedHost } from "./processes";
import { API_KEY, apiEnv, BODY, INPUTS } from "./session";

function timeChild(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(file, args, { env: { ...process.env, ...env }, cwd: ROOT }, (error) =>
      error ? reject(error) : resolve(performance.now() - started),
    );
  });
}

/**
 * A Pulumi host spawned until its first create is done, against `node -e` and one bare SDK create;
 * then, warm, a create through the host over gRPC next to one bare SDK call.
 */
export async function coldStart(emulator: Emulator, requestedRounds: number): Promise<Figure[]> {
  // At most five rounds: each one starts a Pulumi host.
  const rounds = Math.min(requestedRounds, 5);
  const bare = `const OpenAI = require("openai").default;
new OpenAI({ maxRetries: 0 }).beta.chatkit.sessions.create(${JSON.stringify(BODY)}).then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });`;
  const env = apiEnv(emulator.url);
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
    await host.create({ __provider: SERIALIZED_PROVIDER, ...INPUTS });
    const hostMs = performance.now() - started;
    const grpc: number[] = [];
    const direct: number[] = [];
    for (let i = 0; i < 50; i++) {
      let t = performance.now();
      await host.create({ __provider: SERIALIZED_PROVIDER, ...INPUTS });
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
