import * as pulumi from "@pulumi/pulumi";
import { ChatKitSession } from "pulumi-chatkit";
import { SERIALIZED_PROVIDER } from "../../provider/chatkitSessionProvider";
import { SESSION_OUTPUTS } from "./shapedProvider";

/**
 * The Pulumi program of the engine tests and the engine bench, shaped by its stack config:
 * `count` sessions (or, with `kind: noop`, as many resources of a dynamic provider that does
 * nothing, the floor every dynamic provider pays; with `kind: shaped`, a no-op that answers with
 * everything a session records), each with `options` as its resource options.
 */
const config = new pulumi.Config();
const count = config.getNumber("count") ?? 1;
const options = config.getObject<pulumi.CustomResourceOptions>("options") ?? {};
const triggers = config.getObject<Record<string, string>>("triggers");

/** Answers every call at once, keeping the inputs as outputs: what the engine costs alone. */
const noopProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: `noop-${Math.random().toString(36).slice(2)}`, outs: inputs };
  },
};

class NoopResource extends pulumi.dynamic.Resource {
  constructor(name: string, args: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) {
    super(noopProvider, name, args, opts);
  }
}

/**
 * The recorded provider of a no-op that answers like a session (see shapedProvider.ts), loaded by
 * path and padded with a comment to the length of a session's recorded text, so that the two
 * states differ only in what the outputs hold.
 */
const SHAPED_PROVIDER = (() => {
  const text = `exports.handler=function(){return require(${JSON.stringify(require.resolve("./shapedProvider"))}).provider};`;
  const padding = JSON.stringify(SERIALIZED_PROVIDER).length - JSON.stringify(text).length - "/**/".length;
  if (padding < 0) throw new Error(`the shaped provider's text is longer than a session's: ${text}`);
  return `${text}/*${"x".repeat(padding)}*/`;
})();

/** Declares the same output keys as ChatKitSession, with the client secret a secret. */
class ShapedResource extends pulumi.CustomResource {
  declare readonly clientSecret: pulumi.Output<string>;

  constructor(name: string, args: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) {
    const seeded = Object.fromEntries(Object.keys(SESSION_OUTPUTS).map((key) => [key, undefined]));
    super(
      "pulumi-nodejs:dynamic:Resource",
      name,
      { ...seeded, triggers: undefined, ...args, __provider: SHAPED_PROVIDER },
      { ...opts, additionalSecretOutputs: ["clientSecret"] },
    );
  }
}

const sessionInputs = (index: number) => ({
  user: config.get("user") ?? `engine-user-${index}`,
  workflow: { id: config.get("workflowId") ?? "wf_engine" },
  expiresAfter: config.getNumber("ttlSeconds"),
  renewBefore: config.getNumber("renewBefore"),
  triggers,
});

const kind = config.get("kind");
const resources = Array.from({ length: count }, (_, index) =>
  kind === "noop"
    ? new NoopResource(`noop-${index}`, sessionInputs(index), options)
    : kind === "shaped"
      ? new ShapedResource(`shaped-${index}`, sessionInputs(index), options)
      : new ChatKitSession(`session-${index}`, sessionInputs(index), options),
);

export const ids = resources.map((resource) => resource.id);
export const clientSecrets = resources.map((resource) =>
  resource instanceof NoopResource ? pulumi.output(undefined) : resource.clientSecret,
);
