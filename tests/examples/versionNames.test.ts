import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const REPO_ROOT = path.resolve(__dirname, "../../..");
const read = (file: string) => fs.readFileSync(path.join(REPO_ROOT, file), "utf8");
const { version } = JSON.parse(read("package.json")) as { version: string };
/** What `npm pack` writes for this version, and what a project copied out of an example installs. */
const TARBALL = `pulumi-chatkit-${version}.tgz`;

describe(`the version, ${version}, as the examples and the changelog name it`, () => {
  for (const example of ["basic", "multi-user", "pipeline", "teaching"]) {
    it(`examples/${example}: package.json and README name ${TARBALL}, and no other version's tarball`, () => {
      const manifest = JSON.parse(read(`examples/${example}/package.json`)) as { dependencies: Record<string, string> };
      assert.equal(manifest.dependencies["pulumi-chatkit"], `file:${TARBALL}`);
      const readme = read(`examples/${example}/README.md`);
      assert.ok(readme.includes(TARBALL), `the README names ${TARBALL}`);
      const others = [...readme.matchAll(/pulumi-chatkit-(\d+\.\d+\.\d+)\.tgz/g)].map((match) => match[1]);
      assert.deepEqual([...new Set(others)], [version]);
    });
  }

  it("CHANGELOG.md: the newest released section is this version, after Unreleased", () => {
    const sections = read("CHANGELOG.md")
      .split("\n")
      .filter((line) => line.startsWith("## "));
    assert.equal(sections[0], "## Unreleased");
    assert.match(sections[1] ?? "", new RegExp(`^## ${version.replace(/\./g, "\\.")} \\(\\d{4}-\\d{2}-\\d{2}\\)$`));
  });
});
