import { performance } from "node:perf_hooks";
import { type EngineStack, openEngineStack } from "./engine/stack";

/** What `pulumi preview` and `pulumi up` of `count` resources of one kind took, and the state they left. */
export interface EngineSample {
  kind: "session" | "noop";
  count: number;
  /** Seconds of each round's `pulumi preview` of the empty stack. */
  preview: number[];
  /** Seconds of each round's `pulumi up` creating every resource. */
  up: number[];
  /** Bytes of each resource's entry in `pulumi stack export` after the up, on average. */
  stateBytesPerResource: number;
}

async function timedCli(engine: EngineStack, args: string[]): Promise<number> {
  const started = performance.now();
  const run = await engine.cli(args);
  if (run.code !== 0) throw new Error(`pulumi ${args.join(" ")} failed: ${run.stderr || run.stdout}`);
  return (performance.now() - started) / 1000;
}

/**
 * Each count of sessions beside the same count of a dynamic resource that does nothing, in the
 * same round, so the ratio is what this provider adds to what every dynamic provider pays.
 */
export async function measureEngine(
  bin: string,
  emulatorUrl: string,
  apiKey: string,
  counts: number[],
  rounds: number,
  say: (line: string) => void,
): Promise<EngineSample[]> {
  const samples: EngineSample[] = [];
  for (const count of counts) {
    for (const kind of ["noop", "session"] as const) {
      const engine = await openEngineStack({
        bin,
        name: `bench-${kind}-${count}`,
        config: { "chatkit-engine:count": String(count), "chatkit-engine:kind": kind },
        env: { OPENAI_BASE_URL: emulatorUrl, OPENAI_API_KEY: apiKey },
      });
      const sample: EngineSample = { kind, count, preview: [], up: [], stateBytesPerResource: 0 };
      try {
        for (let round = 0; round < rounds; round++) {
          say(`engine: ${count} ${kind} resource(s), round ${round + 1} of ${rounds}`);
          sample.preview.push(await timedCli(engine, ["preview"]));
          sample.up.push(await timedCli(engine, ["up", "--yes", "--skip-preview"]));
          const resources: unknown[] = ((await engine.exportState()).deployment.resources ?? []).filter(
            (resource: { type: string }) => String(resource.type).startsWith("pulumi-nodejs:dynamic"),
          );
          const bytes = resources.reduce<number>(
            (sum, resource) => sum + Buffer.byteLength(JSON.stringify(resource)),
            0,
          );
          sample.stateBytesPerResource = bytes / resources.length;
          await timedCli(engine, ["destroy", "--yes"]);
        }
      } finally {
        await engine.close();
      }
      samples.push(sample);
    }
  }
  return samples;
}
