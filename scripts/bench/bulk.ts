import { performance } from "node:perf_hooks";
import { SessionLifecycle } from "../../provider/lifecycle";
import { spawnEmulator } from "./emulator";
import { type Figure, figure } from "./figures";
import { pool } from "./pool";
import { progress } from "./progress";
import { apiEnv, INPUTS } from "./session";

export interface BulkOptions {
  count: number;
  ratePerMinute: number;
  runs: number;
  retries: number;
  retryBudgetSeconds: number | undefined;
}

/** The minutes one run must last at least: every create past the first minute's worth waits for the limit. */
const floorMinutes = ({ count, ratePerMinute }: BulkOptions) => Math.ceil(count / ratePerMinute) - 1;

/** How long the phase will take at least, for its progress line. */
export const bulkMinutes = (options: BulkOptions) => options.runs * Math.max(0, floorMinutes(options));

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
export async function bulk(options: BulkOptions): Promise<Figure[]> {
  const { count, ratePerMinute, runs, retries, retryBudgetSeconds } = options;
  const floorMs = floorMinutes(options) * 60_000;
  const walls: number[] = [];
  progress.total = count * runs;
  for (let run = 0; run < runs; run++) {
    const emulator = await spawnEmulator(["--rate-limit", String(ratePerMinute)]);
    const provider = new SessionLifecycle({ env: apiEnv(emulator.url) });
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
