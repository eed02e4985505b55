import * as pulumi from "@pulumi/pulumi";
import { ChatKitSession } from "pulumi-chatkit";

/** One tenant's session, as written in stack config (`pulumi config set --path 'tenants[0].user' …`). */
interface Tenant {
  user: string;
  /**
   * The workflow version this tenant is pinned to; omitted means the latest deployed.
   * `pulumi config set --path 'tenants[0].workflowVersion' 3` stores the number 3, so a number is
   * taken too and turned into the string the API expects ("3").
   */
  workflowVersion?: string | number;
  plan: "free" | "pro";
  /** Recent threads visible in history; omitted means all. */
  historyThreads?: number;
}

const config = new pulumi.Config();
const tenants = config.getObject<Tenant[]>("tenants") ?? [
  { user: "alice@example.com", workflowVersion: "3", plan: "pro", historyThreads: 20 },
  { user: "bob@example.com", plan: "free", historyThreads: 5 },
];
const workflowId = config.get("workflowId") ?? "wf_demo";
// A secret stays a secret in state: the engine marks the output at the same key path.
const crmToken = config.getSecret("crmToken") ?? pulumi.secret("demo-crm-token");
// Change to rotate every tenant's session at once.
const rotation = config.get("rotation") ?? "2026-11";

const sessions = tenants.map(
  (tenant) =>
    new ChatKitSession(`tenant-${tenant.user.replace(/[^a-zA-Z0-9-]/g, "-")}`, {
      user: tenant.user,
      workflow: {
        id: workflowId,
        version: tenant.workflowVersion === undefined ? undefined : String(tenant.workflowVersion),
        stateVariables: { plan: tenant.plan, crmToken },
      },
      chatkitConfiguration: {
        fileUpload: tenant.plan === "pro" ? { enabled: true, maxFileSize: 64, maxFiles: 20 } : { enabled: false },
        history: { enabled: true, recentThreads: tenant.historyThreads },
      },
      rateLimits: { maxRequestsPer1Minute: tenant.plan === "pro" ? 60 : 10 },
      expiresAfter: config.getNumber("ttlSeconds"),
      // Renew two minutes before expiry, so a front end never receives a secret about to die.
      renewBefore: config.getNumber("renewBefore") ?? 120,
      triggers: { rotation },
    }),
);

/** Per user: the session id, its expiry and its client secret (a secret). */
export const tenantSessions = Object.fromEntries(
  tenants.map((tenant, index) => {
    const session = sessions[index] as ChatKitSession;
    return [tenant.user, { sessionId: session.id, expiresAt: session.expiresAt, clientSecret: session.clientSecret }];
  }),
);
/** The resolved upload settings per user, to check what the API applied. */
export const uploads = Object.fromEntries(
  tenants.map((tenant, index) => [tenant.user, (sessions[index] as ChatKitSession).chatkitConfiguration.fileUpload]),
);
