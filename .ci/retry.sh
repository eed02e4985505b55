# Sourced by the CI scripts. `retry <command...>`: runs a command that reaches the npm registry
# over the network, trying twice more after a pause when it fails, so that one dropped
# connection does not fail a run that is otherwise green. A real failure fails all three times.
retry() {
  local attempt
  for attempt in 1 2 3; do
    "$@" && return 0
    if [ "$attempt" -lt 3 ]; then
      echo "CI: \`$*\` failed (attempt $attempt of 3); trying again in 15 s" >&2
      sleep 15
    fi
  done
  return 1
}
