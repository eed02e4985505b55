import * as pulumi from "@pulumi/pulumi";
import { ChatKitSession } from "pulumi-chatkit";

const config = new pulumi.Config();

/** The run this session belongs to: stack config first, then the CI system's run id. */
const runId =
  config.get("runId") ??
  process.env.GITHUB_RUN_ID ??
  process.env.CI_PIPELINE_ID ??
  process.env.BUILD_BUILDID ??
  process.env.RUN_ID ??
  "local";

const session = new ChatKitSession("pipeline-session", {
  user: `ci-run-${runId}`,
  workflow: { id: config.get("workflowId") ?? "wf_demo" },
  // Long enough for the test step, short enough that a forgotten session dies on its own.
  expiresAfter: config.getNumber("ttlSeconds") ?? 300,
  renewBefore: config.getNumber("renewBefore"),
  // A new run always gets a new session, even if the previous stack was not destroyed.
  triggers: { run: runId },
});

export const user = session.user;
export const sessionId = session.id;
export const expiresAt = session.expiresAt;
export const status = session.status;
export const clientSecret = session.clientSecret;
