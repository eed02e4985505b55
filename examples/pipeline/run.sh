#!/usr/bin/env bash
# One pipeline run: up -> smoke test with the client secret -> destroy, and destroy even when the
# smoke test fails. Needs the Pulumi CLI, a logged-in backend (or PULUMI_BACKEND_URL) and
# OPENAI_API_KEY; against the local emulator also OPENAI_BASE_URL.
set -euo pipefail
cd "$(dirname "$0")"
stack="${STACK:-ci-${GITHUB_RUN_ID:-${RUN_ID:-local}}}"

pulumi stack select --create "$stack"
if [ -n "${WORKFLOW_ID:-}" ]; then pulumi config set workflowId "$WORKFLOW_ID"; fi
teardown() {
  status=$?
  pulumi destroy --yes --skip-preview || status=1
  if [ "${KEEP_STACK:-}" = "" ]; then pulumi stack rm --yes "$stack" || true; fi
  exit "$status"
}
trap teardown EXIT

pulumi up --yes --skip-preview
node ../../dist/examples/pipeline/smoke.js
