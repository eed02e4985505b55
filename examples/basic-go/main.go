// One ChatKit session for one user and one workflow, through the chatkit provider plugin: the
// same session as examples/basic-yaml, through the Go SDK that `pulumi package add` generates
// from the plugin's schema into sdks/chatkit (see README.md).
package main

import (
	"github.com/pulumi-chatkit/pulumi-chatkit/sdk/go/chatkit"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		conf := config.New(ctx, "")
		user := conf.Get("user")
		if user == "" {
			user = "demo-user"
		}
		workflowID := conf.Get("workflowId")
		if workflowID == "" {
			workflowID = "wf_demo"
		}
		args := &chatkit.SessionArgs{
			User:     pulumi.String(user),
			Workflow: chatkit.WorkflowArgs{Id: pulumi.String(workflowID)},
		}
		// Optional: a shorter life than the API's ten minutes, and the renewal window.
		if ttl, err := conf.TryInt("ttlSeconds"); err == nil {
			args.ExpiresAfter = pulumi.Int(ttl)
		}
		if renewBefore, err := conf.TryInt("renewBefore"); err == nil {
			args.RenewBefore = pulumi.Int(renewBefore)
		}
		// Each `pulumi up` renews the session when it is close to expiry.
		session, err := chatkit.NewSession(ctx, "support-chat", args)
		if err != nil {
			return err
		}
		ctx.Export("sessionId", session.ID())
		ctx.Export("expiresAt", session.ExpiresAt)
		ctx.Export("status", session.Status)
		// A secret: `pulumi stack output --show-secrets clientSecret` reveals it.
		ctx.Export("clientSecret", session.ClientSecret)
		return nil
	})
}
