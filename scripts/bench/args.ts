import { parseArgs } from "node:util";
import type { BulkOptions } from "./bulk";

export const PHASES = ["serialize", "create", "check", "cold", "memory", "bulk", "streams", "engine"] as const;
export type Phase = (typeof PHASES)[number];

export interface BenchOptions {
  json: boolean;
  rounds: number;
  phases: Set<Phase>;
  bulk: BulkOptions;
  streamsSeconds: number;
  engineCounts: number[];
  engineRounds: number;
}

/** The command line, read before anything starts: an unknown phase is refused here. */
export function parseBenchArgs(): BenchOptions {
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
  const phases = new Set(values.phases.split(",").map((name) => name.trim()));
  for (const name of phases) {
    if (!PHASES.includes(name as Phase)) {
      throw new Error(`unknown phase '${name}'; the phases are ${PHASES.join(", ")}`);
    }
  }
  return {
    json: values.json,
    rounds: Number(values.rounds),
    phases: phases as Set<Phase>,
    bulk: {
      count: Number(values.bulk),
      ratePerMinute: Number(values.rate),
      runs: Number(values["bulk-runs"]),
      retries: Number(values["bulk-retries"]),
      retryBudgetSeconds: values["retry-budget"] === undefined ? undefined : Number(values["retry-budget"]),
    },
    streamsSeconds: Number(values["streams-seconds"]),
    engineCounts: values["engine-counts"].split(",").map(Number),
    engineRounds: Number(values["engine-rounds"]),
  };
}
