import type { NativeSessionProvider } from "./nativeProvider";

type Callback = (error: Error | null, response?: unknown) => void;
type StructValue = { toJavaScript(): Record<string, unknown> } | undefined;
interface ConfigureCall {
  /** getUrn is missing before @pulumi/pulumi added the field (3.139 has none). */
  request: { getArgs(): StructValue; getUrn?: () => string };
}
interface CheckCall {
  request: { getNews(): StructValue };
}
type Handler<Call> = (call: Call, callback: Callback) => void;
type Implementation = Record<string, unknown> & {
  configure?: Handler<ConfigureCall>;
  checkConfig?: Handler<CheckCall>;
};
interface GrpcServerClass {
  prototype: { addService(definition: unknown, implementation: Implementation): void };
}

/** The message classes of @pulumi/pulumi's protocol that a CheckConfig answer is built from. */
export interface CheckConfigProtos {
  CheckResponse: new () => {
    setInputs(inputs: unknown): void;
    setFailuresList(failures: unknown[]): void;
  };
  CheckFailure: new () => { setProperty(property: string): void; setReason(reason: string): void };
  Struct: { fromJavaScript(value: Record<string, unknown>): unknown };
}

const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));

/**
 * `provider.main` of `@pulumi/pulumi/provider` answers Configure itself and drops its inputs (its
 * Provider interface has no configure: sdk/nodejs/provider/server.ts in pulumi/pulumi, no upstream
 * issue found), and answers CheckConfig "unimplemented", on which the engine records the
 * provider's inputs as they came: a `chatkit:apiKey` set without --secret would then sit in the
 * state in plain text. The SDK registers its server with grpc-js's Server.addService, so both are
 * wrapped there: CheckConfig answers the inputs checked and with the key marked secret, and
 * Configure hands the inputs to the provider first, the provider's failure being the call's
 * failure. Call this before `provider.main`; tests/provider/pluginConfigure.test.ts pins the SDK
 * behaviour it relies on.
 */
export function forwardConfig(
  grpcServer: GrpcServerClass,
  protos: CheckConfigProtos,
  chatkit: Pick<NativeSessionProvider, "configure" | "checkConfig">,
): void {
  const addService = grpcServer.prototype.addService;
  grpcServer.prototype.addService = function (this: unknown, definition, implementation) {
    const configure = implementation.configure?.bind(implementation);
    if (configure) {
      implementation.configure = (call, callback) => {
        let args: Record<string, unknown>;
        let urn: string | undefined;
        try {
          args = call.request.getArgs()?.toJavaScript() ?? {};
          urn = typeof call.request.getUrn === "function" ? call.request.getUrn() : undefined;
        } catch (error) {
          callback(asError(error));
          return;
        }
        chatkit.configure(args, urn).then(
          () => configure(call, callback),
          (error: unknown) => callback(asError(error)),
        );
      };
    }
    if (implementation.checkConfig) {
      implementation.checkConfig = (call, callback) => {
        try {
          const { inputs, failures } = chatkit.checkConfig(call.request.getNews()?.toJavaScript() ?? {});
          const response = new protos.CheckResponse();
          response.setInputs(protos.Struct.fromJavaScript(inputs));
          response.setFailuresList(
            failures.map(({ property, reason }) => {
              const failure = new protos.CheckFailure();
              failure.setProperty(property);
              failure.setReason(reason);
              return failure;
            }),
          );
          callback(null, response);
        } catch (error) {
          callback(asError(error));
        }
      };
    }
    return addService.call(this, definition, implementation);
  };
}
