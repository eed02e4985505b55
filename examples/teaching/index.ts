// Step 1. What this program is.
//
// A Pulumi program declares what should exist; `pulumi up` makes it so. This one declares a
// single ChatKit session. A ChatKit session is a short-lived credential: the OpenAI API hands
// out a `client_secret` that a chat front end (ChatKit JS) uses to talk to one workflow as one
// user, for at most ten minutes. Your server-side API key never leaves your machine or pipeline.
import * as pulumi from "@pulumi/pulumi";
import { ChatKitSession } from "pulumi-chatkit";

// Step 2. Configuration.
//
// Values that differ between stacks (dev, staging, prod) live in stack config, set with
// `pulumi config set workflowId wf_...`. The provider's own settings use the `chatkit:`
// namespace: `pulumi config set --secret chatkit:apiKey sk-...` (or OPENAI_API_KEY).
const config = new pulumi.Config();
const workflowId = config.get("workflowId") ?? "wf_demo";

// Step 3. Declare the session.
//
// `pulumi preview` shows it as "+ create" and prints every output it cannot know yet (the id,
// the secret, the expiry) as unknown: they only exist once the API has answered.
const session = new ChatKitSession("lesson", {
  user: config.get("user") ?? "student",
  workflow: {
    id: workflowId,
    // Values the workflow can read. Wrap one in pulumi.secret() and it stays encrypted in state.
    stateVariables: { course: "pulumi-101", lesson: 1 },
  },
  // Five minutes of life instead of the default ten (try `pulumi config set ttlSeconds 120`).
  expiresAfter: config.getNumber("ttlSeconds") ?? 300,
  // Step 4. Renewal.
  //
  // Sessions expire, and the API cannot extend one. So every `pulumi up` checks the clock:
  // a session with less than `renewBefore` seconds left (here one minute) is replaced by a new
  // one, created before the old one is cancelled. An `up` right after an `up` changes nothing.
  renewBefore: config.getNumber("renewBefore") ?? 60,
});

// Step 5. Outputs, and why the secret is a secret.
//
// Anyone holding the client secret can chat as this user until it expires, so Pulumi keeps it
// encrypted in state and prints it as [secret]. Reveal it deliberately:
//   pulumi stack output --show-secrets clientSecret
export const clientSecret = session.clientSecret;
export const expiresAt = session.expiresAt;
export const expiresAtIso = session.expiresAt.apply((seconds) => new Date(seconds * 1000).toISOString());
export const status = session.status;
// What the API resolved, defaults included: uploads are off unless you turn them on.
export const fileUpload = session.chatkitConfiguration.fileUpload;

// Step 6. Destroy.
//
// `pulumi destroy` cancels the session: its client secret stops working at once, instead of
// living on until it expires. A session that has already expired counts as destroyed.
