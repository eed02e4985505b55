import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { type MutationReport, mergeReports, parseEquivalents, score } from "../../scripts/mutationScore";

const REPO_ROOT = path.resolve(__dirname, "../../..");

const at = (line: number, column: number, length: number) => ({
  start: { line, column },
  end: { line, column: column + length },
});
/** A two-line file with one mutant of each kind the score distinguishes. */
const REPORT: MutationReport = {
  files: {
    "provider/sort.ts": {
      source: 'const order = (a, b) => (a < b ? -1 : 1);\nexport const label = "null";',
      mutants: [
        { mutatorName: "EqualityOperator", replacement: "a <= b", status: "Survived", location: at(1, 26, 5) },
        { mutatorName: "EqualityOperator", replacement: "a >= b", status: "Killed", location: at(1, 26, 5) },
        { mutatorName: "ConditionalExpression", replacement: "true", status: "Survived", location: at(1, 26, 5) },
        { mutatorName: "StringLiteral", replacement: '""', status: "NoCoverage", location: at(2, 22, 6) },
        { mutatorName: "ArrowFunction", replacement: "() => undefined", status: "Timeout", location: at(1, 15, 26) },
        { mutatorName: "BooleanLiteral", replacement: "false", status: "CompileError", location: at(1, 26, 5) },
      ],
    },
  },
};

describe("npm run mutate: the score with equivalent mutants counted out", () => {
  it("reads one entry per list line, and nothing from prose", () => {
    const entries = parseEquivalents(
      "# Title\nSome prose with `code`.\n- `provider/sort.ts` · EqualityOperator · `a < b` → `a <= b`: keys are distinct.\n",
    );
    assert.deepEqual(entries, [
      {
        file: "provider/sort.ts",
        mutator: "EqualityOperator",
        original: "a < b",
        replacement: "a <= b",
        reason: "keys are distinct.",
      },
    ]);
  });

  it("counts a listed survivor as equivalent and leaves the others survived", () => {
    const equivalents = parseEquivalents("- `provider/sort.ts` · EqualityOperator · `a < b` → `a <= b`: distinct.");
    const { rows, survivors, unused } = score(REPORT, equivalents);
    const file = rows.find((r) => r.name === "provider/sort.ts");
    assert.deepEqual(
      { ...file, score: Math.round(file!.score) },
      {
        name: "provider/sort.ts",
        killed: 1,
        timedOut: 1,
        survived: 1,
        noCoverage: 1,
        equivalent: 1,
        invalid: 1,
        score: 50,
      },
    );
    assert.deepEqual(
      rows.map((r) => r.name),
      ["All files", "provider/", "provider/sort.ts"],
    );
    assert.deepEqual(survivors, [
      "provider/sort.ts:1:26 ConditionalExpression: a < b → true (Survived)",
      'provider/sort.ts:2:22 StringLiteral: "null" → "" (NoCoverage)',
    ]);
    assert.deepEqual(unused, []);
  });

  it("says which entries match no survivor, so the list cannot go stale unnoticed", () => {
    const equivalents = parseEquivalents(
      "- `provider/sort.ts` · EqualityOperator · `a < b` → `a >= b`: killed anyway.",
    );
    const { rows, unused } = score(REPORT, equivalents);
    assert.equal(rows[0]!.equivalent, 0);
    assert.deepEqual(
      unused.map((e) => e.replacement),
      ["a >= b"],
    );
  });

  it("scores reports of one run per file together, a later run of a file replacing an earlier one", () => {
    const sort = REPORT.files["provider/sort.ts"]!;
    const other = { source: "x", mutants: [{ ...sort.mutants[1]!, location: at(1, 1, 1) }] };
    const killedNow = (status: string) => (status === "Survived" || status === "NoCoverage" ? "Killed" : status);
    const rerun = { ...sort, mutants: sort.mutants.map((m) => ({ ...m, status: killedNow(m.status) })) };
    const merged = mergeReports([
      REPORT,
      { files: { "provider/other.ts": other, "provider/sort.ts": { source: "", mutants: [] } } },
    ]);
    assert.deepEqual(Object.keys(merged.files).sort(), ["provider/other.ts", "provider/sort.ts"]);
    assert.equal(merged.files["provider/sort.ts"], sort, "a report without mutants for a file leaves it as it was");
    const folder = (report: MutationReport) => score(report, []).rows.find((r) => r.name === "provider/")!;
    assert.deepEqual([folder(merged).killed, folder(merged).survived], [2, 2]);
    const replaced = mergeReports([REPORT, { files: { "provider/sort.ts": rerun } }]);
    assert.deepEqual([folder(replaced).killed, folder(replaced).survived, folder(replaced).noCoverage], [4, 0, 0]);
  });

  it("parses every entry of the project's list", () => {
    const text = fs.readFileSync(path.join(REPO_ROOT, "tests", "EQUIVALENT_MUTANTS.md"), "utf8");
    const bullets = text.split("\n").filter((line) => line.startsWith("- "));
    assert.equal(parseEquivalents(text).length, bullets.length);
  });
});
