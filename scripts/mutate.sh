#!/usr/bin/env bash
# npm run mutate [-- <stryker options>], e.g. `npm run mutate -- --mutate provider/normalize.ts`
#
# Mutation testing with Stryker (configured in stryker.config.mjs). Stryker 10 refuses to start
# on Node < 22, while the package itself supports Node 20; so on an older Node this fetches Node 22
# from the npm registry once (the same way the CI legs in .ci/leg.sh do) into node_modules/.cache
# and runs Stryker with it. The reports go to reports/mutation/, the incremental state to reports/.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 22 ]; then
  runtime="node_modules/.cache/node22"
  if [ ! -x "$runtime/node_modules/node/bin/node" ]; then
    echo "Node $(node --version) is older than Stryker needs; fetching Node 22 into $runtime"
    npm install --prefix "$runtime" --no-audit --no-fund --no-save --loglevel=error node@22
  fi
  PATH="$PWD/$runtime/node_modules/node/bin:$PATH"
  export PATH
fi
# Incremental mode compares the compiled tests with the last run's, so they must match the sources.
npm run build --silent

# See scripts/stryker-mocha12.cjs: Stryker's mocha runner and Mocha 12 disagree on file names.
NODE_OPTIONS="--require $PWD/scripts/stryker-mocha12.cjs ${NODE_OPTIONS:-}"
export NODE_OPTIONS
echo "Stryker on Node $(node --version)"
node node_modules/@stryker-mutator/core/bin/stryker.js run "$@"

# The score with the mutants judged equivalent counted out (see tests/EQUIVALENT_MUTANTS.md).
node dist/scripts/mutationScore.js
