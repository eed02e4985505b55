import type * as dynamic from "@pulumi/pulumi/dynamic";

/**
 * The text every ChatKitSession records as its `__provider`. Pulumi's dynamic provider host
 * evaluates it as a module and calls `handler()` to get the provider: here, the lifecycle loaded by
 * package name, so state holds no credentials, no machine paths and no code that an upgrade would
 * leave behind. It is written out rather than produced by Pulumi's closure serializer, which wraps
 * each forwarding method in a scope of its own and makes the text several times longer, and the
 * text is kept twice in every session's state and rewritten with every checkpoint.
 *
 * The module name `pulumi-chatkit/provider` and its export `lifecycle` are a stable contract:
 * states written by every version load them. When the package is not installed where the program
 * runs (it was uninstalled before its sessions were destroyed), the handler says what to do, since
 * the bare "Cannot find module" would not; any other failure to load (a dependency of the package
 * missing, a broken build) passes on as it is, since that advice would point the wrong way. It
 * is written compact, as one line: the state escapes every quote and line break of each copy.
 */
export const SERIALIZED_PROVIDER = `exports.handler=function(){try{return require("pulumi-chatkit/provider").lifecycle}catch(e){var first=String(e&&e.message||e).split("\\n")[0];if(!e||e.code!=="MODULE_NOT_FOUND"||first.indexOf("'pulumi-chatkit/provider'")<0)throw e;throw new Error("The npm package pulumi-chatkit, which manages this stack's ChatKit sessions, cannot be loaded ("+first+"). Install it again in this project, from the tarball or git URL it came from, and rerun: uninstall it only after pulumi destroy.")}};`;

type Lifecycle = typeof import("./index")["lifecycle"];

/** The handler of SERIALIZED_PROVIDER, evaluated here the way the host evaluates it. */
const loadLifecycle: () => Lifecycle = (() => {
  const module = { exports: {} as { handler?: () => Lifecycle } };
  new Function("exports", "require", "module", SERIALIZED_PROVIDER)(module.exports, require, module);
  return module.exports.handler!;
})();

/**
 * A dynamic provider object for programs that build their own `pulumi.dynamic.Resource`: each
 * method loads the lifecycle exactly as the recorded `__provider` text does, when it runs.
 */
export class ForwardingProvider implements dynamic.ResourceProvider {
  configure(req: dynamic.ConfigureRequest): Promise<void> {
    return loadLifecycle().configure(req);
  }

  check(olds: any, news: any): Promise<dynamic.CheckResult> {
    return loadLifecycle().check(olds, news);
  }

  diff(id: string, olds: any, news: any): Promise<dynamic.DiffResult> {
    return loadLifecycle().diff(id, olds, news);
  }

  create(inputs: any): Promise<dynamic.CreateResult> {
    return loadLifecycle().create(inputs);
  }

  read(id: string, props?: any): Promise<dynamic.ReadResult> {
    return loadLifecycle().read(id, props);
  }

  update(id: string, olds: any, news: any): Promise<dynamic.UpdateResult> {
    return loadLifecycle().update(id, olds, news);
  }

  delete(id: string, props: any): Promise<void> {
    return loadLifecycle().delete(id, props);
  }
}

/** The name ForwardingProvider had in 0.1.0, kept for programs that import it. */
export const ChatKitSessionProvider = ForwardingProvider;
export type ChatKitSessionProvider = ForwardingProvider;
