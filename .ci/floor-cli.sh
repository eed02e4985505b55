#!/usr/bin/env bash
# The end-to-end tests again with the oldest Pulumi CLI the docs claim (3.139.0, pinned in
# scripts/cli/floor/go.mod), built from its Go modules like the pinned CLI. Its Node.js, Python
# and Go language hosts, the dynamic-provider plugin and the YAML host are the pinned build's:
# this project's hosts are written against the newer protocol, which a 3.139 engine speaks the
# older part of.
set -euo pipefail
cd "$(dirname "$0")/.."
version=3.139.0
if ! command -v go >/dev/null; then
  echo "floor: skipped: go is not installed, so the Pulumi CLI v$version cannot be built from its Go modules"
  exit 0
fi
# The pinned build (reused when it is there) supplies the language host and the plugin.
newest="$(node -e 'require("./dist/scripts/buildPulumiCli").buildPulumiCli().then((r) => {
  if (!r.built) { console.error(`floor: the pinned CLI could not be built: ${r.why}`); process.exit(1) }
  console.log(require("path").dirname(r.bin))
})')"
dir="$(node -p "require('./dist/scripts/buildPulumiCli').installDir('$version')")"
if [ "$("$dir/pulumi" version 2>/dev/null || true)" != "v$version" ]; then
  echo "floor: building the Pulumi CLI v$version from its Go modules into $dir (a few minutes the first time; go prints what it downloads)"
  mkdir -p "$dir"
  (cd scripts/cli/floor && GOFLAGS=-mod=readonly go build -tags osusergo \
    -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version -X github.com/pulumi/pulumi/pkg/v3/version.Version=v$version" \
    -o "$dir/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
fi
cp "$newest/pulumi-language-nodejs" "$newest/pulumi-resource-pulumi-nodejs" "$newest/pulumi-language-yaml" \
  "$newest/pulumi-language-python" "$newest/pulumi-language-python-exec" "$newest/pulumi-language-go" "$dir/"
echo "floor: $("$dir/pulumi" version); the end-to-end tests"
# Three of the four examples drive the engine exactly as examples/basic does; the newest CLI runs them all.
PULUMI_BIN="$dir/pulumi" npx mocha --no-config --timeout 1800000 --enable-source-maps \
  --reporter dist/tests/helpers/reporter.js --grep 'examples/(pipeline|multi-user|teaching)' --invert \
  dist/tests/e2e/*.test.js
