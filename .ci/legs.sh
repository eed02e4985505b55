#!/usr/bin/env bash
# The compatibility legs: every range package.json declares, at its floor and at its newest, on
# Node 20 (the floor of `engines`), 22, 24 and 26 (the newest). Each leg is .ci/leg.sh in its own
# copy of the repository; CI_PARALLEL legs run at once (default 2), and each one's log is printed
# when it ends.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/retry.sh

# The floors of the dependency ranges. TypeScript 5 is pinned with them because
# @pulumi/pulumi before 3.248 declares a peer range of typescript below 6.
floors_6="@pulumi/pulumi@3.139.0 openai@6.2.0 zod@4.0.0 typescript@^5"
floors_7="@pulumi/pulumi@3.139.0 openai@7.0.0 zod@4.0.0 typescript@^5"
# name | Node major | pins (none: the newest that npm resolves for that Node)
legs=(
  "node20-floor|20|$floors_6"
  "node22-floor|22|$floors_7"
  "node22-newest|22|"
  "node24-floor|24|$floors_7"
  "node24-newest|24|"
  "node26-newest|26|"
)

# Node 20's newest: the primary leg runs the lock file on Node 20, which holds the newest versions
# for Node 20 unless npm now resolves newer ones; then (or on another Node) that leg runs too.
direct_versions() {
  node -e '
    const { packages } = require(process.argv[1]);
    const names = ["@pulumi/pulumi", "openai", "zod"];
    console.log(names.map((name) => `${name} ${packages[`node_modules/${name}`].version}`).join(", "));
  ' "$1"
}
fresh="$(mktemp -d)"
git ls-files -z | tar --null -c -T - | tar -x -C "$fresh"
(cd "$fresh" && rm package-lock.json && retry npm install --package-lock-only --ignore-scripts --no-audit --no-fund --loglevel=error)
locked="$(direct_versions "$PWD/package-lock.json")"
newest="$(direct_versions "$fresh/package-lock.json")"
rm -rf "$fresh"
if [ "$(node -p 'process.versions.node.split(".")[0]')" = 20 ] && [ "$locked" = "$newest" ]; then
  echo "leg node20-newest: the primary leg (the lock file holds what npm resolves fresh on Node 20: $newest)"
else
  echo "leg node20-newest: runs (lock file: $locked; fresh on Node $(node --version): $newest)"
  legs=("node20-newest|20|" "${legs[@]}")
fi
parallel="${CI_PARALLEL:-2}"
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT

run_leg() {
  local name="$1" major="$2" pins="$3" started=$SECONDS status=0
  # shellcheck disable=SC2086 # pins are separate words
  bash .ci/leg.sh "$major" $pins >"$logs/$name.log" 2>&1 || status=$?
  echo "$status" >"$logs/$name.status"
  local took=$((SECONDS - started))
  local versions summary
  versions="$(grep -m1 '^Node v' "$logs/$name.log" || echo 'install failed')"
  summary="$(grep -m1 '^mocha: ' "$logs/$name.log" || echo 'no test summary')"
  if [ "$status" -eq 0 ]; then
    echo "leg $name: passed in ${took}s: $versions; $summary"
  else
    echo "leg $name: FAILED (exit $status) in ${took}s: $versions; $summary"
    sed "s/^/  [$name] /" "$logs/$name.log"
  fi
}

started=$SECONDS
names=()
for leg in "${legs[@]}"; do
  IFS='|' read -r name major pins <<<"$leg"
  while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do wait -n || true; done
  run_leg "$name" "$major" "$pins" &
  names+=("$name")
done
wait
failed=()
for name in "${names[@]}"; do
  [ "$(cat "$logs/$name.status" 2>/dev/null)" = 0 ] || failed+=("$name")
done
echo "compatibility legs: ${#legs[@]} run, ${#failed[@]} failed, $((SECONDS - started))s"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "failed: ${failed[*]}"
  exit 1
fi
