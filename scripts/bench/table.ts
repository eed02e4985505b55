import type { Figure } from "./figures";

/** What one run measured, and on what: the bench prints it as a table or as one JSON object. */
export interface BenchResult {
  node: string;
  openai: string;
  rounds: number;
  figures: Figure[];
}

export function printTable(result: BenchResult): void {
  const format = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2));
  console.log(`\nnode ${result.node}, openai ${result.openai}, ${result.rounds} rounds\n`);
  console.log("| figure | median | spread | unit | goal | met |");
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const f of result.figures) {
    const spread = f.min === f.max ? "" : `${format(f.min)}–${format(f.max)}`;
    const met = f.met === undefined ? "" : f.met ? "yes" : "**no**";
    console.log(
      `| ${f.figure}${f.note ? ` (${f.note})` : ""} | ${format(f.median)} | ${spread} | ${f.unit} | ${f.goal ?? "reported"} | ${met} |`,
    );
  }
}
