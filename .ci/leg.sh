#!/usr/bin/env bash
# One compatibility leg: the given Node major (from the npm registry's `node` package) and, in a
# copy of the repository without the lock file, the dependencies npm resolves fresh for that Node,
# except those pinned on the command line (a range's floor). It builds, then runs the layers that
# touch the Pulumi host, the SDK and the serialized provider, and the state fixtures.
#
#   bash .ci/leg.sh <node major> [package@version ...]
#   bash .ci/leg.sh 22 @pulumi/pulumi@3.139.0 openai@7.0.0 zod@4.0.0 typescript@^5
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/retry.sh
major="$1"
shift
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

retry npm install --prefix "$work/runtime" --no-audit --no-fund --no-save --loglevel=error "node@$major"
mkdir -p "$work/bin" "$work/repo"
ln -s "$work/runtime/node_modules/node/bin/node" "$work/bin/node"
export PATH="$work/bin:$PATH"

git ls-files -z | tar --null -c -T - | tar -x -C "$work/repo"
cd "$work/repo"
# A repository of its own, with the files as they are before the pins: the consumer test packs
# from a clean clone of it (what git tracks), as a user would from the published ranges.
git init -q && git add -A
rm -f package-lock.json
# Each pin replaces the range in whichever section declares the package.
node -e '
  const fs = require("fs");
  const manifest = JSON.parse(fs.readFileSync("package.json", "utf8"));
  for (const pin of process.argv.slice(1)) {
    const at = pin.lastIndexOf("@");
    const [name, version] = [pin.slice(0, at), pin.slice(at + 1)];
    const section = ["dependencies", "devDependencies"].find((key) => manifest[key]?.[name]);
    if (!section) throw new Error(`${name} is not a dependency`);
    manifest[section][name] = version;
  }
  fs.writeFileSync("package.json", JSON.stringify(manifest, null, 2));
' "$@"
retry npm install --no-audit --no-fund --loglevel=error
# The pins stay in node_modules only: the consumer test packs this copy, and a user's tarball
# declares the ranges, not one leg's versions.
git checkout -q -- package.json
node -e '
  const v = (name) => JSON.parse(require("fs").readFileSync(`node_modules/${name}/package.json`, "utf8")).version;
  console.log(`Node ${process.version}, @pulumi/pulumi ${v("@pulumi/pulumi")}, openai ${v("openai")}, zod ${v("zod")}, typescript ${v("typescript")}`);
'
# npm install has built already, through the prepare script; build only if it did not.
[ -f dist/provider/index.js ] || npm run build --silent
# The suite's own mocha settings, with only these layers as specs.
node -e '
  const config = require("./.mocharc.json");
  config.spec = ["provider", "contract", "sdk", "consumer", "compat"].map((layer) => `dist/tests/${layer}/**/*.test.js`);
  require("fs").writeFileSync(".mocharc.leg.json", JSON.stringify(config));
'
npx mocha --config .mocharc.leg.json
