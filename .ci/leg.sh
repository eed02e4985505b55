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
node .ci/leg-manifest.js pin "$@"
retry npm install --no-audit --no-fund --loglevel=error
# The pins stay in node_modules only: the consumer test packs this copy, and a user's tarball
# declares the ranges, not one leg's versions.
git checkout -q -- package.json
node .ci/leg-manifest.js versions
# npm install has built already, through the prepare script; build only if it did not.
[ -f dist/provider/index.js ] || npm run build --silent
node .ci/leg-manifest.js specs provider contract sdk consumer compat
npx mocha --config .mocharc.leg.json
