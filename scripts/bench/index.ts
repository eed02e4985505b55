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
import { VERSION as OPENAI_VERSION } from "openai/version";
import { type BenchOptions, parseBenchArgs } from "./args";
import { bulk, bulkMinutes } from "./bulk";
import { checkAndDiff } from "./check";
import { coldStart } from "./cold";
import { createVsSdk } from "./create";
import { spawnEmulator } from "./emulator";
import { engine } from "./engine";
import type { Figure } from "./figures";
import { memory } from "./memory";
import { stopAll } from "./processes";
import { phase, say, setQuiet } from "./progress";
import { serialize } from "./serialize";
import { streams } from "./streams";
import { type BenchResult, printTable } from "./table";

/** Runs the chosen phases in their fixed order, adding each one's figures as soon as it is done. */
async function measure(options: BenchOptions, figures: Figure[]): Promise<void> {
  const { phases, rounds } = options;
  if (phases.has("serialize")) figures.push(...serialize());
  // One emulator for the phases that do not need one of their own.
  const shared = (["create", "check", "cold", "memory"] as const).some((name) => phases.has(name))
    ? await spawnEmulator()
    : undefined;
  if (shared) {
    if (phases.has("create"))
      figures.push(...(await phase("create against the bare SDK", () => createVsSdk(shared, rounds))));
    if (phases.has("check")) figures.push(...(await phase("check + diff", () => checkAndDiff(shared, rounds))));
    if (phases.has("cold")) {
      figures.push(...(await phase("cold start and the host over gRPC", () => coldStart(shared, rounds))));
    }
    if (phases.has("memory")) figures.push(...(await phase("memory", () => memory(shared))));
    shared.close();
  }
  if (phases.has("bulk") && options.bulk.count > 0) {
    figures.push(...(await phase(`bulk (about ${bulkMinutes(options.bulk)} min)`, () => bulk(options.bulk))));
  }
  if (phases.has("streams")) {
    figures.push(...(await phase("the emulator under event streams", () => streams(options.streamsSeconds))));
  }
  if (phases.has("engine")) {
    figures.push(
      ...(await phase("pulumi preview and up through the CLI", () =>
        engine(options.engineCounts, options.engineRounds),
      )),
    );
  }
}

async function main(): Promise<void> {
  const options = parseBenchArgs();
  setQuiet(options.json);
  const result: BenchResult = { node: process.version, openai: OPENAI_VERSION, rounds: options.rounds, figures: [] };
  const report = () => (options.json ? console.log(JSON.stringify(result)) : printTable(result));
  const stop = (signal: NodeJS.Signals) => {
    say(`bench: ${signal}, stopping what it started`);
    stopAll().finally(() => process.exit(130));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    await measure(options, result.figures);
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
