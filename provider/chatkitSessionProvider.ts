import type * as dynamic from "@pulumi/pulumi/dynamic";

/** The provider shared by every serialized provider in the process, loaded by package name at call time. */
type Lifecycle = typeof import("./index")["lifecycle"];

/**
 * Loads the provider by package name. When the package is not installed where the program runs
 * (it was uninstalled before its sessions were destroyed), this says what to do, since the bare
 * "Cannot find module" would not.
 */
function load(): Lifecycle {
  try {
    return require("pulumi-chatkit/provider").lifecycle;
  } catch (error) {
    if ((error as { code?: string })?.code !== "MODULE_NOT_FOUND") throw error;
    throw new Error(
      `The npm package pulumi-chatkit, which manages this stack's ChatKit sessions, cannot be loaded (${(error as Error).message.split("\n")[0]}). Install it again in this project, from the tarball or git URL it came from, and rerun: uninstall it only after pulumi destroy.`,
    );
  }
}

/**
 * The provider Pulumi serializes into every ChatKitSession's state (`__provider`). It is thin on
 * purpose: each method loads the SessionProvider by package name when it runs, so state holds a
 * few hundred bytes of delegation, no credentials and no machine paths, and keeps working after
 * the package is upgraded. The module name `pulumi-chatkit/provider` and its export `lifecycle`
 * are a stable contract for that reason.
 */
export class SerializedProvider implements dynamic.ResourceProvider {
  configure(req: dynamic.ConfigureRequest): Promise<void> {
    return load().configure(req);
  }

  check(olds: any, news: any): Promise<dynamic.CheckResult> {
    return load().check(olds, news);
  }

  diff(id: string, olds: any, news: any): Promise<dynamic.DiffResult> {
    return load().diff(id, olds, news);
  }

  create(inputs: any): Promise<dynamic.CreateResult> {
    return load().create(inputs);
  }

  read(id: string, props?: any): Promise<dynamic.ReadResult> {
    return load().read(id, props);
  }

  update(id: string, olds: any, news: any): Promise<dynamic.UpdateResult> {
    return load().update(id, olds, news);
  }

  delete(id: string, props: any): Promise<void> {
    return load().delete(id, props);
  }
}

/** The name SerializedProvider had in 0.1.0, kept for programs that import it. */
export const ChatKitSessionProvider = SerializedProvider;
export type ChatKitSessionProvider = SerializedProvider;
