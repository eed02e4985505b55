import type { NativeSessionProvider } from "./nativeProvider";

type Callback = (error: Error | null, response?: unknown) => void;
interface ConfigureCall {
  request: { getArgs(): { toJavaScript(): Record<string, unknown> } | undefined };
}
type Implementation = Record<string, unknown> & { configure?: (call: ConfigureCall, callback: Callback) => void };
interface GrpcServerClass {
  prototype: { addService(definition: unknown, implementation: Implementation): void };
}

/**
 * `provider.main` of `@pulumi/pulumi/provider` answers Configure itself and drops its inputs (its
 * Provider interface has no configure: sdk/nodejs/provider/server.ts in pulumi/pulumi, no upstream
 * issue found). The settings would then come only from PULUMI_CONFIG, the stack's config, and an
 * explicit provider resource with its own key would be ignored. The SDK registers its server
 * with grpc-js's Server.addService, so its configure is wrapped there: the inputs go to the
 * provider first, and the provider's failure is the call's failure. Call this before
 * `provider.main`; tests/provider/pluginConfigure.test.ts pins the SDK behaviour it relies on.
 */
export function forwardConfigure(grpcServer: GrpcServerClass, chatkit: Pick<NativeSessionProvider, "configure">): void {
  const addService = grpcServer.prototype.addService;
  grpcServer.prototype.addService = function (this: unknown, definition, implementation) {
    const configure = implementation.configure?.bind(implementation);
    if (configure) {
      implementation.configure = (call, callback) => {
        let args: Record<string, unknown>;
        try {
          args = call.request.getArgs()?.toJavaScript() ?? {};
        } catch (error) {
          callback(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        chatkit.configure(args).then(
          () => configure(call, callback),
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      };
    }
    return addService.call(this, definition, implementation);
  };
}
