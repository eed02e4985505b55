import { performance } from "node:perf_hooks";
import OpenAI from "openai";
import { SessionLifecycle } from "../../provider/lifecycle";
import type { Emulator } from "./emulator";
import { type Figure, figure, median, ratio } from "./figures";
import { progress } from "./progress";
import { API_KEY, apiEnv, BODY, INPUTS } from "./session";

async function timed(call: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await call();
  return (performance.now() - started) * 1000;
}

/**
 * The provider's create in process against the SDK call it wraps. Per round, calls alternate
 * (provider, SDK, provider, SDK …) so that both see the same machine; each round gives the median
 * of each side and their ratio.
 */
export async function createVsSdk(emulator: Emulator, rounds: number): Promise<Figure[]> {
  const provider = new SessionLifecycle({ env: apiEnv(emulator.url) });
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
