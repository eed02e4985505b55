#!/usr/bin/env bash
# One pipeline run: up -> smoke step with the client secret -> destroy -> the same secret is
# refused, and destroy (and remove the stack) even when a step fails.
# Needs: the Pulumi CLI (PULUMI_BIN, else pulumi on PATH); a backend (pulumi login, or
# PULUMI_BACKEND_URL and PULUMI_CONFIG_PASSPHRASE); OPENAI_API_KEY (against the local emulator,
# also OPENAI_BASE_URL); and `npm install` in this folder (inside the pulumi-chatkit repository,
# the repository's own `npm install` serves). Optional: WORKFLOW_ID, STACK, KEEP_STACK.
set -euo pipefail
cd "$(dirname "$0")"
pulumi="${PULUMI_BIN:-pulumi}"

install_advice() {
  cat >&2 <<'ADVICE'
Install the CLI in one of Pulumi's official ways (https://www.pulumi.com/docs/iac/download-install/):
  curl -fsSL https://get.pulumi.com | sh      (Linux, macOS; then open a new shell)
  brew install pulumi/tap/pulumi              (macOS)
  winget install pulumi                       (Windows)
  the pulumi/actions step                     (GitHub Actions)
or set PULUMI_BIN to a pulumi program you already have.
ADVICE
}
if ! command -v "$pulumi" >/dev/null 2>&1; then
  echo "run.sh: the Pulumi CLI is missing: no \`$pulumi\` program was found." >&2
  install_advice
  exit 1
fi
if ! said="$("$pulumi" version 2>&1)"; then
  echo "run.sh: the Pulumi CLI does not run: \`$pulumi version\` said: ${said##*$'\n'}" >&2
  if [[ "$said" == *"Downloading pulumi"* ]]; then
    echo "That \`$pulumi\` is the npm package \`pulumi\`, only a launcher that downloads the CLI on first use, and the download failed." >&2
  fi
  install_advice
  exit 1
fi

stack="${STACK:-ci-${GITHUB_RUN_ID:-${RUN_ID:-local}}}"
"$pulumi" stack select --create "$stack"
if [ -n "${WORKFLOW_ID:-}" ]; then "$pulumi" config set workflowId "$WORKFLOW_ID"; fi
destroyed=""
teardown() {
  status=$?
  # A failed destroy fails the run, but never hides the status of the step that failed first.
  if [ -z "$destroyed" ]; then "$pulumi" destroy --yes --skip-preview || { [ "$status" -ne 0 ] || status=1; }; fi
  if [ -z "${KEEP_STACK:-}" ]; then "$pulumi" stack rm --yes "$stack" || true; fi
  exit "$status"
}
trap teardown EXIT

"$pulumi" up --yes --skip-preview
# Read once, before destroy removes the stack's outputs; the revoked check needs the same secret.
CHATKIT_CLIENT_SECRET="$("$pulumi" stack output clientSecret --show-secrets)"
export CHATKIT_CLIENT_SECRET
if [ -n "${GITHUB_ACTIONS:-}" ]; then echo "::add-mask::$CHATKIT_CLIENT_SECRET"; fi
npm run --silent smoke
"$pulumi" destroy --yes --skip-preview
destroyed=1
npm run --silent smoke -- --revoked
