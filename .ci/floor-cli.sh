#!/usr/bin/env bash
# The end-to-end tests again with the oldest Pulumi CLI the README claims (3.139.0, pinned in
# scripts/cli/floor/go.mod), built from its Go modules like the pinned CLI. Its Node.js language
# host and the dynamic-provider plugin are the pinned build's: this project's host is written
# against the newer protocol, which a 3.139 engine speaks the older part of.
set -euo pipefail
cd "$(dirname "$0")/.."
version=3.139.0
newest="$(node -p 'require("./dist/scripts/buildPulumiCli").installDir(require("./dist/scripts/buildPulumiCli").pinnedCliVersion())')"
dir="$(node -p "require('./dist/scripts/buildPulumiCli').installDir('$version')")"
if [ "$("$dir/pulumi" version 2>/dev/null || true)" != "v$version" ]; then
  echo "floor: building the Pulumi CLI v$version from its Go modules into $dir"
  mkdir -p "$dir"
  (cd scripts/cli/floor && GOFLAGS=-mod=readonly go build -tags osusergo \
    -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version -X github.com/pulumi/pulumi/pkg/v3/version.Version=v$version" \
    -o "$dir/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
fi
cp "$newest/pulumi-language-nodejs" "$newest/pulumi-resource-pulumi-nodejs" "$dir/"
echo "floor: $("$dir/pulumi" version); the end-to-end tests"
PULUMI_BIN="$dir/pulumi" npx mocha --no-config --timeout 1800000 --enable-source-maps \
  --reporter dist/tests/helpers/reporter.js dist/tests/e2e/*.test.js
