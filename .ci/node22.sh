#!/usr/bin/env bash
# The test suite on Node 22 with the newest dependencies: Node 22 comes from the npm registry's
# `node` package, and the install runs without the lock file, in a copy of the repository, so that
# npm resolves versions for Node 22 (openai 7, the newest @pulumi/pulumi).
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

npm install --prefix "$work/runtime" --no-audit --no-fund --no-save --loglevel=error node@22
mkdir -p "$work/bin" "$work/repo"
ln -s "$work/runtime/node_modules/node/bin/node" "$work/bin/node"
export PATH="$work/bin:$PATH"
echo "Node $(node --version)"

git ls-files -z | tar --null -c -T - | tar -x -C "$work/repo"
cd "$work/repo"
rm -f package-lock.json
npm install --no-audit --no-fund --loglevel=error
node -e 'console.log(`openai ${require("openai/version").VERSION}, @pulumi/pulumi ${require("@pulumi/pulumi/package.json").version}`)'
npm test
