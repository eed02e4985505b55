import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { openPluginProject, PLUGIN_DIR } from "../engine/pluginProject";
import { type CliRun, type EngineStack, openEngineStack } from "../engine/stack";
import { findPulumiCli } from "../pulumiCli";
import { spawnEmulator } from "./emulator";
import { type Figure, figure, type Goal, ratio } from "./figures";
import { say } from "./progress";
import { apiEnv, INPUTS } from "./session";

/** What `pulumi preview` and `pulumi up` of `count` resources of one kind took, and the state they left. */
interface EngineSample {
  kind: "session" | "noop" | "shaped" | "plugin";
  count: number;
  /** Seconds of each round's `pulumi preview` of the empty stack. */
  preview: number[];
  /** Seconds of each round's `pulumi up` creating every resource. */
  up: number[];
  /** Bytes of each resource's entry in `pulumi stack export` after the up, on average. */
  stateBytesPerResource: number;
}

async function timedCli(engine: Pick<EngineStack, "cli">, args: string[]): Promise<number> {
  const started = performance.now();
  const run: CliRun = await engine.cli(args);
  if (run.code !== 0) throw new Error(`pulumi ${args.join(" ")} failed: ${run.stderr || run.stdout}`);
  return (performance.now() - started) / 1000;
}

/** Bytes of each resource of the given types in the stack's state, on average. */
async function stateBytesPerResource(engine: Pick<EngineStack, "exportState">, isMeasured: (type: string) => boolean) {
  const resources: unknown[] = ((await engine.exportState()).deployment.resources ?? []).filter(
    (resource: { type: string }) => isMeasured(String(resource.type)),
  );
  const bytes = resources.reduce<number>((sum, resource) => sum + Buffer.byteLength(JSON.stringify(resource)), 0);
  return bytes / resources.length;
}

/** One preview, up and destroy of a stack, timed and its state measured, as one sample of a round. */
async function measureRound(
  engine: Pick<EngineStack, "cli" | "exportState">,
  sample: EngineSample,
  isMeasured: (type: string) => boolean,
) {
  sample.preview.push(await timedCli(engine, ["preview"]));
  sample.up.push(await timedCli(engine, ["up", "--yes", "--skip-preview"]));
  sample.stateBytesPerResource = await stateBytesPerResource(engine, isMeasured);
  await timedCli(engine, ["destroy", "--yes"]);
}

const isDynamic = (type: string) => type.startsWith("pulumi-nodejs:dynamic");

/**
 * Each count of sessions beside the same count of a dynamic resource that does nothing, and of
 * one that does nothing but answer with everything a session records (its outputs cost the
 * engine at every checkpoint, whoever computes them). The stacks take their turns within each
 * round, in alternating order, so that a machine that gets busier or quieter during the run
 * weighs on both sides of each ratio alike.
 */
async function measureEngine(
  bin: string,
  emulatorUrl: string,
  counts: number[],
  rounds: number,
): Promise<EngineSample[]> {
  const samples: EngineSample[] = [];
  for (const count of counts) {
    const kinds = ["noop", "shaped", "session"] as const;
    const stacks: EngineStack[] = [];
    try {
      for (const kind of kinds) {
        stacks.push(
          await openEngineStack({
            bin,
            name: `bench-${kind}-${count}`,
            config: { "chatkit-engine:count": String(count), "chatkit-engine:kind": kind },
            env: apiEnv(emulatorUrl),
          }),
        );
      }
      const turns = kinds.map((kind, i) => ({
        engine: stacks[i] as EngineStack,
        sample: { kind, count, preview: [], up: [], stateBytesPerResource: 0 } as EngineSample,
      }));
      for (let round = 0; round < rounds; round++) {
        for (const { engine, sample } of round % 2 ? [...turns].reverse() : turns) {
          say(`engine: ${count} ${sample.kind} resource(s), round ${round + 1} of ${rounds}`);
          await measureRound(engine, sample, isDynamic);
        }
      }
      samples.push(...turns.map(({ sample }) => sample));
    } finally {
      for (const engine of stacks) await engine.close();
    }
  }
  return samples;
}

/** A YAML program of `count` sessions through the provider plugin, each with the engine program's inputs. */
function pluginProgram(count: number): Record<string, string> {
  const lines = ["name: chatkit-bench-plugin", "runtime: yaml", "plugins:", "  providers:", "    - name: chatkit"];
  lines.push(`      path: ${PLUGIN_DIR}`, "resources:");
  for (let i = 0; i < count; i++) {
    // JSON is YAML's flow syntax.
    lines.push(`  session-${i}:`, "    type: chatkit:index:Session", `    properties: ${JSON.stringify(INPUTS)}`);
  }
  return { "Pulumi.yaml": `${lines.join("\n")}\n` };
}

/** The same sessions declared in YAML and served by the provider plugin, through the same CLI. */
async function measurePlugin(bin: string, emulatorUrl: string, count: number, rounds: number): Promise<EngineSample> {
  const project = await openPluginProject(bin, pluginProgram(count), apiEnv(emulatorUrl));
  const sample: EngineSample = { kind: "plugin", count, preview: [], up: [], stateBytesPerResource: 0 };
  try {
    for (let round = 0; round < rounds; round++) {
      say(`engine: ${count} session(s) through the provider plugin, round ${round + 1} of ${rounds}`);
      await measureRound(project, sample, (type) => type === "chatkit:index:Session");
    }
  } finally {
    project.close();
  }
  return sample;
}

/** pulumi preview and up of sessions beside the same count of no-op dynamic resources, through the CLI. */
export async function engine(counts: number[], rounds: number): Promise<Figure[]> {
  const cli = await findPulumiCli(8_000);
  if (!cli.found) throw new Error(`the engine phase needs the Pulumi CLI: ${cli.reason}`);
  const emulator = await spawnEmulator();
  const samples = await measureEngine(cli.bin, emulator.url, counts, rounds);
  const largest = Math.max(...counts);
  const yamlHost = path.join(path.dirname(cli.bin), "pulumi-language-yaml");
  const plugin = fs.existsSync(yamlHost) ? await measurePlugin(cli.bin, emulator.url, largest, rounds) : undefined;
  if (!plugin) say("engine: no pulumi-language-yaml beside the CLI, so the provider plugin is not measured");
  emulator.close();
  const sampleOf = (kind: EngineSample["kind"], count: number) =>
    samples.find((sample) => sample.kind === kind && sample.count === count)!;
  const figures: Figure[] = [];
  for (const count of counts) {
    const noop = sampleOf("noop", count);
    const shaped = sampleOf("shaped", count);
    const session = sampleOf("session", count);
    const goal: Goal | undefined = count >= 100 ? ["≤ 1.2", (m) => m <= 1.2] : undefined;
    figures.push(
      figure(`pulumi preview, ${count} session(s)`, "s", session.preview),
      figure(`pulumi preview, ${count} no-op dynamic resource(s)`, "s", noop.preview),
      figure(`pulumi preview, ${count}: sessions / no-op`, "×", ratio(session.preview, noop.preview), goal),
      figure(`pulumi up, ${count} session(s)`, "s", session.up),
      figure(`pulumi up, ${count} no-op dynamic resource(s)`, "s", noop.up),
      figure(`pulumi up, ${count}: sessions / no-op`, "×", ratio(session.up, noop.up), goal),
      figure(`pulumi up, ${count} no-op(s) answering with a session's outputs`, "s", shaped.up),
      figure(
        `pulumi up, ${count}: that no-op / no-op (the engine's cost of the outputs)`,
        "×",
        ratio(shaped.up, noop.up),
      ),
      figure(
        `pulumi up, ${count}: sessions / that no-op (this provider and the API)`,
        "×",
        ratio(session.up, shaped.up),
      ),
    );
  }
  figures.push(
    figure("state per session (pulumi stack export)", "bytes", [sampleOf("session", largest).stateBytesPerResource]),
    figure("state per no-op dynamic resource", "bytes", [sampleOf("noop", largest).stateBytesPerResource]),
    figure("state per no-op answering with a session's outputs", "bytes", [
      sampleOf("shaped", largest).stateBytesPerResource,
    ]),
  );
  if (plugin) {
    const noop = sampleOf("noop", largest);
    figures.push(
      figure(`pulumi preview, ${largest} session(s) through the provider plugin (YAML)`, "s", plugin.preview),
      figure(`pulumi up, ${largest} session(s) through the provider plugin (YAML)`, "s", plugin.up),
      // Not paired within rounds: the plugin's rounds run after every count's.
      figure(
        `pulumi up, ${largest}: provider plugin / no-op dynamic (rounds run later)`,
        "×",
        ratio(plugin.up, noop.up),
      ),
      figure("state per session through the provider plugin", "bytes", [plugin.stateBytesPerResource]),
    );
  }
  return figures;
}
