/**
 * Run by `npm run mutate` after Stryker (or alone: `node dist/scripts/mutationScore.js [report.json...]`):
 * the mutation score per folder and per file, with the mutants listed in tests/EQUIVALENT_MUTANTS.md
 * counted as equivalent (no observable change, so neither killed nor survived), then every survivor
 * left, one line each.
 *
 * Stryker's own table (printed just before) counts the listed mutants as survived; this one is the
 * score CONTRIBUTING.md gives. The list is matched by file, mutator, original code and replacement, not
 * by line, so it survives edits elsewhere in the file; an entry that matches nothing is reported.
 * Given several reports (one run per file, say), it scores them together.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "./tooling/root";

export interface Equivalent {
  file: string;
  mutator: string;
  original: string;
  replacement: string;
  reason: string;
}

interface Position {
  line: number;
  column: number;
}
/** The parts of Stryker's JSON report (mutation-testing-report-schema) read here. */
export interface MutationReport {
  files: Record<
    string,
    {
      source: string;
      mutants: {
        mutatorName: string;
        replacement?: string;
        status: string;
        location: { start: Position; end: Position };
      }[];
    }
  >;
}

export interface ScoreRow {
  name: string;
  killed: number;
  timedOut: number;
  survived: number;
  noCoverage: number;
  equivalent: number;
  /** Mutants that do not compile or crash the runner: not counted, as Stryker does. */
  invalid: number;
  /** Detected / (detected + undetected), in percent; NaN when nothing counts. */
  score: number;
}

const ENTRY =
  /^- `(?<file>[^`]+)` · (?<mutator>\w+) · (?<q1>`+) ?(?<original>.+?) ?\k<q1> → (?<q2>`+) ?(?<replacement>.*?) ?\k<q2>: (?<reason>.+)$/;

/** The entries of the list: lines like - `file` · Mutator · `original` → `replacement`: reason. */
export function parseEquivalents(markdown: string): Equivalent[] {
  return markdown.split("\n").flatMap((line) => {
    const groups = ENTRY.exec(line.trim())?.groups;
    if (!groups) return [];
    const { file, mutator, original, replacement, reason } = groups as unknown as Equivalent;
    return [{ file, mutator, original, replacement, reason }];
  });
}

const squeeze = (code: string) => code.replace(/\s+/g, " ").trim();
const shorten = (code: string) => (code.length > 70 ? `${code.slice(0, 69)}…` : code);

function slice(source: string, start: Position, end: Position): string {
  const lines = source.split("\n");
  const offset = ({ line, column }: Position) =>
    lines.slice(0, line - 1).reduce((sum, text) => sum + text.length + 1, 0) + column - 1;
  return source.slice(offset(start), offset(end));
}

/** Where each of Stryker's statuses counts; Ignored and Pending count nowhere. */
const COLUMN: Record<string, "killed" | "timedOut" | "survived" | "noCoverage" | "invalid"> = {
  Killed: "killed",
  Timeout: "timedOut",
  Survived: "survived",
  NoCoverage: "noCoverage",
  CompileError: "invalid",
  RuntimeError: "invalid",
};
const UNDETECTED = new Set(["Survived", "NoCoverage"]);

/** Scores per file, per top-level folder and for all files, and the survivors not listed as equivalent. */
export function score(report: MutationReport, equivalents: readonly Equivalent[]) {
  const used = new Set<Equivalent>();
  const rows = new Map<string, ScoreRow>();
  const row = (name: string) => {
    let found = rows.get(name);
    if (!found) {
      found = { name, killed: 0, timedOut: 0, survived: 0, noCoverage: 0, equivalent: 0, invalid: 0, score: NaN };
      rows.set(name, found);
    }
    return found;
  };
  const survivors: string[] = [];
  for (const [file, { source, mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
    const targets = [row("All files"), row(`${file.split("/")[0]}/`), row(file)];
    for (const mutant of mutants) {
      const original = squeeze(slice(source, mutant.location.start, mutant.location.end));
      const replacement = squeeze(mutant.replacement ?? "");
      const listed = UNDETECTED.has(mutant.status)
        ? equivalents.find(
            (e) =>
              e.file === file &&
              e.mutator === mutant.mutatorName &&
              squeeze(e.original) === original &&
              squeeze(e.replacement) === replacement,
          )
        : undefined;
      if (listed) used.add(listed);
      const key = listed ? "equivalent" : COLUMN[mutant.status];
      if (key) for (const target of targets) target[key]++;
      if (!listed && UNDETECTED.has(mutant.status)) {
        const { line, column } = mutant.location.start;
        survivors.push(
          `${file}:${line}:${column} ${mutant.mutatorName}: ${shorten(original)} → ${shorten(replacement)} (${mutant.status})`,
        );
      }
    }
  }
  for (const r of rows.values()) {
    const detected = r.killed + r.timedOut;
    const counted = detected + r.survived + r.noCoverage;
    r.score = counted === 0 ? NaN : (100 * detected) / counted;
  }
  const unused = equivalents.filter((e) => !used.has(e) && e.file in report.files);
  return { rows: [...rows.values()], survivors, unused };
}

/**
 * Several reports as one: each file's mutants come from the last report that holds the file, so
 * reports of one run per file add up to a folder's table, and a later run of a file replaces an
 * earlier one.
 */
export function mergeReports(reports: readonly MutationReport[]): MutationReport {
  const files: MutationReport["files"] = {};
  for (const report of reports) {
    for (const [file, result] of Object.entries(report.files)) {
      if (result.mutants.length > 0) files[file] = result;
    }
  }
  return { files };
}

export function formatTable(rows: readonly ScoreRow[]): string {
  const header = ["", "score", "killed", "timeout", "survived", "no cov", "equivalent", "invalid"];
  const cells = rows.map((r) => [
    r.name,
    Number.isNaN(r.score) ? "n/a" : r.score.toFixed(2),
    ...[r.killed, r.timedOut, r.survived, r.noCoverage, r.equivalent, r.invalid].map(String),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? "").length)));
  const line = (c: string[]) =>
    c.map((text, i) => (i === 0 ? text.padEnd(widths[i]!) : text.padStart(widths[i]!))).join(" | ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("-|-"), ...cells.map(line)].join("\n");
}

function main() {
  const reportFiles = process.argv.length > 2 ? process.argv.slice(2) : ["reports/mutation/mutation.json"];
  const report = mergeReports(
    reportFiles.map((file) => JSON.parse(fs.readFileSync(path.resolve(ROOT, file), "utf8")) as MutationReport),
  );
  const equivalents = parseEquivalents(fs.readFileSync(path.join(ROOT, "tests/EQUIVALENT_MUTANTS.md"), "utf8"));
  const { rows, survivors, unused } = score(report, equivalents);
  console.log("\nMutation score with the mutants of tests/EQUIVALENT_MUTANTS.md counted as equivalent:\n");
  console.log(formatTable(rows));
  console.log(survivors.length ? `\nSurvived (${survivors.length}):\n${survivors.join("\n")}` : "\nNo survivors.");
  for (const e of unused) {
    console.log(`\nListed as equivalent but not among this run's survivors: ${e.file} ${e.mutator} ${e.original}`);
  }
}

if (require.main === module) main();
