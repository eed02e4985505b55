import { performance } from "node:perf_hooks";
import { SessionLifecycle } from "../../provider/lifecycle";
import { normalize } from "../../provider/normalize";
import type { Emulator } from "./emulator";
import { type Figure, figure } from "./figures";
import { apiEnv, INPUTS } from "./session";

/** check and diff of 1,000 resources, per resource, and the network calls they make (none is the goal). */
export async function checkAndDiff(emulator: Emulator, rounds: number): Promise<Figure[]> {
  const provider = new SessionLifecycle({ env: apiEnv(emulator.url) });
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
