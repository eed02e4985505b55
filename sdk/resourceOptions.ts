import * as pulumi from "@pulumi/pulumi";

/**
 * What some resource options do to a session, checked when a ChatKitSession is declared (see
 * docs/_index.md, "What each resource option does to a session"). A session lives ten minutes at
 * most and can only be renewed by replacing it, so an option that forbids the replace breaks every
 * later `up`, and options that skip the provider's delete leave live client secrets behind.
 */
export function checkResourceOptions(name: string, opts: pulumi.CustomResourceOptions | undefined): void {
  if (opts?.protect === true || (opts?.protect === undefined && isProtected(opts?.parent))) {
    throw new pulumi.RunError(
      `ChatKitSession ${name} cannot be protected: a session lives at most ten minutes and is renewed by replacing it, which Pulumi refuses for a protected resource, so every pulumi up after the renewal window would fail. Remove protect (a parent's protect is inherited; set protect: false on the session to opt out).`,
    );
  }
  if (opts?.retainOnDelete) {
    pulumi.log.warn(
      `ChatKitSession ${name} has retainOnDelete: Pulumi will not cancel it, neither on destroy nor when a renewal replaces it, so each old session's client secret keeps working until it expires (at most ten minutes).`,
    );
  }
  if (opts?.deletedWith) {
    pulumi.log.warn(
      `ChatKitSession ${name} has deletedWith: when that resource is deleted too, Pulumi does not cancel this session, and its client secret keeps working until it expires (at most ten minutes).`,
    );
  }
}

/** A parent's protect is inherited when the option is not given (the SDK keeps it on __protect). */
function isProtected(parent: pulumi.Resource | undefined): boolean {
  return (parent as { __protect?: boolean } | undefined)?.__protect === true;
}
