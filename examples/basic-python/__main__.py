"""One ChatKit session for one user and one workflow, through the chatkit provider plugin.

The same session as examples/basic-yaml, through the Python SDK that `pulumi package add`
generates from the plugin's schema into sdks/chatkit (see README.md).
"""

import pulumi
import pulumi_chatkit as chatkit

config = pulumi.Config()

# Each `pulumi up` renews the session when it is close to expiry.
session = chatkit.Session(
    "support-chat",
    user=config.get("user") or "demo-user",
    workflow=chatkit.WorkflowArgs(id=config.get("workflowId") or "wf_demo"),
    # A shorter life than the API's ten minutes, and the renewal window.
    expires_after=config.get_int("ttlSeconds"),
    renew_before=config.get_int("renewBefore"),
)

pulumi.export("sessionId", session.id)
pulumi.export("expiresAt", session.expires_at)
pulumi.export("status", session.status)
# A secret: `pulumi stack output --show-secrets clientSecret` reveals it.
pulumi.export("clientSecret", session.client_secret)
