import type * as dynamic from "@pulumi/pulumi/dynamic";

/** The lifecycle shared by every provider in the process, loaded by package name at call time. */
type Provider = typeof import("./index");

/**
 * The provider Pulumi serializes into every ChatKitSession's state (`__provider`). It is thin on
 * purpose: each method loads the lifecycle by package name when it runs, so state holds a few
 * hundred bytes of delegation, no credentials and no machine paths, and keeps working after the
 * package is upgraded. The module name `pulumi-chatkit/provider` is a stable contract for that reason.
 */
export class ChatKitSessionProvider implements dynamic.ResourceProvider {
  configure(req: dynamic.ConfigureRequest): Promise<void> {
    return (require("pulumi-chatkit/provider") as Provider).lifecycle.configure(req);
  }

  check(olds: any, news: any): Promise<dynamic.CheckResult> {
    return (require("pulumi-chatkit/provider") as Provider).lifecycle.check(olds, news);
  }

  diff(id: string, olds: any, news: any): Promise<dynamic.DiffResult> {
    return (require("pulumi-chatkit/provider") as Provider).lifecycle.diff(id, olds, news);
  }

  create(inputs: any): Promise<dynamic.CreateResult> {
    return (require("pulumi-chatkit/provider") as Provider).lifecycle.create(inputs);
  }

  read(id: string, props?: any): Promise<dynamic.ReadResult> {
    return (require("pulumi-chatkit/provider") as Provider).lifecycle.read(id, props);
  }

  update(id: string, olds: any, news: any): Promise<dynamic.UpdateResult> {
    return (require("pulumi-chatkit/provider") as Provider).lifecycle.update(id, olds, news);
  }

  delete(id: string, props: any): Promise<void> {
    return (require("pulumi-chatkit/provider") as Provider).lifecycle.delete(id, props);
  }
}
