import * as pulumi from "@pulumi/pulumi";
import { ChatKitSession } from "pulumi-chatkit";
import type { RecordedOutputs } from "../../provider/lifecycle";

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

/** What a session of the API's defaults records besides its inputs, its client secret as long as the emulator's. */
const SESSION_OUTPUTS: Omit<RecordedOutputs, "user" | "triggers"> = {
  workflow: { id: "wf_engine", version: null, stateVariables: null, tracing: { enabled: true } },
  chatkitConfiguration: {
    automaticThreadTitling: { enabled: true },
    fileUpload: { enabled: false, maxFileSize: 512, maxFiles: 10 },
    history: { enabled: true, recentThreads: null },
  },
  expiresAfter: { anchor: "created_at", seconds: 600 },
  rateLimits: { maxRequestsPer1Minute: 10 },
  renewBefore: 60,
  clientSecret: `ek_${"0".repeat(48)}`,
  expiresAt: 1_800_000_000,
  status: "active",
  apiClockOffset: 0,
  apiEndpoint: {
    baseUrl: "http://127.0.0.1:8787/v1",
    organization: null,
    project: null,
    keyFingerprint: "000000000000",
  },
};

/**
 * The recorded provider of a no-op that answers every call at once like a session, with every
 * output a session records: what the engine costs for a resource of a session's shape, with none
 * of this provider's code and no API. Written out, like ChatKitSession's, rather than closure
 * serialized, and compact (the state escapes every quote and line break), so that its state is
 * about the size of a session's.
 */
const SHAPED_PROVIDER = `exports.handler=function(){return{create:async function(i){return{id:"cksess_"+Math.random().toString(16).slice(2),outs:Object.assign(${JSON.stringify(SESSION_OUTPUTS).replace(/"(\w+)":/g, "$1:")},{user:i.user,triggers:i.triggers||null})}}}};`;

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
