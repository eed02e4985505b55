"""One ChatKit session for one user and one workflow, through the chatkit provider plugin.

The same session as examples/basic-yaml. There is no generated Python SDK for the plugin yet, so
the resource is declared by its type token, with its output properties named (as None) so that
they come back as attributes.
"""

import pulumi

config = pulumi.Config()
user = config.get("user") or "demo-user"
workflow_id = config.get("workflowId") or "wf_demo"
# A shorter life than the API's ten minutes, and the renewal window.
ttl_seconds = config.get_int("ttlSeconds") or 600
renew_before = config.get_int("renewBefore") or 60

session = pulumi.CustomResource(
    "chatkit:index:Session",
    "support-chat",
    {
        "user": user,
        "workflow": {"id": workflow_id},
        "expiresAfter": ttl_seconds,
        "renewBefore": renew_before,
        # Outputs.
        "expiresAt": None,
        "status": None,
        "clientSecret": None,
    },
    opts=pulumi.ResourceOptions(additional_secret_outputs=["clientSecret"]),
)

pulumi.export("sessionId", session.id)
pulumi.export("expiresAt", session.expiresAt)
pulumi.export("status", session.status)
# A secret: `pulumi stack output --show-secrets clientSecret` reveals it.
pulumi.export("clientSecret", session.clientSecret)
