#!/usr/bin/env bash
# npm run mutate [-- <stryker options>], e.g. `npm run mutate -- --mutate provider/normalize.ts`
#
# Mutation testing with Stryker (configured in tools/mutation/stryker.config.mjs). Stryker lives in
# this folder's own package.json, installed on the first run, because Stryker 10 needs Node 22
# while the package supports Node 20: a clean `npm install` of the project stays free of engine
# warnings. On an older Node this fetches Node 22 from the npm registry once (the same way the CI
# legs in .ci/leg.sh do) and runs Stryker with it. It runs from the project's root, where the
# reports go to reports/mutation/ and the incremental state to reports/.
set -euo pipefail
tools="$(cd "$(dirname "$0")" && pwd)"
cd "$tools/../.."

if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 22 ]; then
  runtime="node_modules/.cache/node22"
  if [ ! -x "$runtime/node_modules/node/bin/node" ]; then
    echo "Node $(node --version) is older than Stryker needs; fetching Node 22 into $runtime"
    npm install --prefix "$runtime" --no-audit --no-fund --no-save --loglevel=error node@22
  fi
  PATH="$PWD/$runtime/node_modules/node/bin:$PATH"
  export PATH
fi
if [ ! -x "$tools/node_modules/@stryker-mutator/core/bin/stryker.js" ]; then
  echo "Installing Stryker into tools/mutation (once)"
  npm ci --prefix "$tools" --no-audit --no-fund --loglevel=error
fi
# Incremental mode compares the compiled tests with the last run's, so they must match the sources.
npm run build --silent

# See stryker-mocha12.cjs: Stryker's mocha runner and Mocha 12 disagree on file names.
NODE_OPTIONS="--require $tools/stryker-mocha12.cjs ${NODE_OPTIONS:-}"
export NODE_OPTIONS
echo "Stryker on Node $(node --version)"
node "$tools/node_modules/@stryker-mutator/core/bin/stryker.js" run "$tools/stryker.config.mjs" "$@"

# The score with the mutants judged equivalent counted out (see tests/EQUIVALENT_MUTANTS.md).
node dist/scripts/mutationScore.js
