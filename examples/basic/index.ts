import * as pulumi from "@pulumi/pulumi";
import { ChatKitSession } from "pulumi-chatkit";

const config = new pulumi.Config();

/** One session for one user of one workflow; each `pulumi up` renews it when it is close to expiry. */
const session = new ChatKitSession("support-chat", {
  user: config.get("user") ?? "demo-user",
  workflow: { id: config.get("workflowId") ?? "wf_demo" },
  // Optional: a shorter life than the API's ten minutes, and the renewal window.
  expiresAfter: config.getNumber("ttlSeconds"),
  renewBefore: config.getNumber("renewBefore"),
});

export const sessionId = session.id;
export const expiresAt = session.expiresAt;
export const status = session.status;
/** A secret: `pulumi stack output --show-secrets clientSecret` reveals it. */
export const clientSecret = session.clientSecret;
