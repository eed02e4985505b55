import * as pulumi from "@pulumi/pulumi";
import { ChatKitSession } from "pulumi-chatkit";

/**
 * The Pulumi program of the engine tests and the engine bench, shaped by its stack config:
 * `count` sessions (or, with `kind: noop`, as many resources of a dynamic provider that does
 * nothing, the floor every dynamic provider pays), each with `options` as its resource options.
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

const sessionInputs = (index: number) => ({
  user: config.get("user") ?? `engine-user-${index}`,
  workflow: { id: config.get("workflowId") ?? "wf_engine" },
  expiresAfter: config.getNumber("ttlSeconds"),
  renewBefore: config.getNumber("renewBefore"),
  triggers,
});

const resources = Array.from({ length: count }, (_, index) =>
  config.get("kind") === "noop"
    ? new NoopResource(`noop-${index}`, sessionInputs(index), options)
    : new ChatKitSession(`session-${index}`, sessionInputs(index), options),
);

export const ids = resources.map((resource) => resource.id);
export const clientSecrets = resources.map((resource) =>
  resource instanceof ChatKitSession ? resource.clientSecret : pulumi.output(undefined),
);
