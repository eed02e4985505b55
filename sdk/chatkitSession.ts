import * as pulumi from "@pulumi/pulumi";
import { SERIALIZED_PROVIDER } from "../provider/chatkitSessionProvider";
import type { ApiEndpoint } from "../provider/endpoint";
import { endpointFromSecretConfig, markDerivedSecrets } from "./derivedSecrets";
import { refuseLostKeys } from "./lostKeys";
import { checkResourceOptions } from "./resourceOptions";

type Flag = pulumi.Input<{ enabled?: pulumi.Input<boolean> }>;

/** The inputs of a ChatKitSession: the API's create body in camelCase, plus renewBefore and triggers. */
export interface ChatKitSessionArgs {
  /** Identifies your end user; the session can reach objects with the same user scope. */
  user: pulumi.Input<string>;
  /** The workflow that powers the session. */
  workflow: pulumi.Input<{
    id: pulumi.Input<string>;
    /** Omit to run the latest deployed version ("latest" is refused: it fails at chat time). */
    version?: pulumi.Input<string>;
    /** At most 64 variables, keys up to 64 characters, primitive values. A secret value stays secret. */
    stateVariables?: pulumi.Input<Record<string, pulumi.Input<string | number | boolean>>>;
    tracing?: Flag;
  }>;
  chatkitConfiguration?: pulumi.Input<{
    automaticThreadTitling?: Flag;
    fileUpload?: pulumi.Input<{
      enabled?: pulumi.Input<boolean>;
      /** Megabytes per file, 1 to 512. */
      maxFileSize?: pulumi.Input<number>;
      maxFiles?: pulumi.Input<number>;
    }>;
    history?: pulumi.Input<{ enabled?: pulumi.Input<boolean>; recentThreads?: pulumi.Input<number> }>;
  }>;
  /** Lifetime, 1 to 600 seconds from creation (default 600). A bare number is shorthand for { anchor: "created_at", seconds }. */
  expiresAfter?: pulumi.Input<number | { anchor?: pulumi.Input<"created_at">; seconds: pulumi.Input<number> }>;
  rateLimits?: pulumi.Input<{ maxRequestsPer1Minute?: pulumi.Input<number> }>;
  /** Seconds before expiry from which the next up replaces the session (default: a tenth of the lifetime, at most 60). */
  renewBefore?: pulumi.Input<number>;
  /** Any change to these values replaces the session, like keepers. */
  triggers?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** The type token of every ChatKitSession: a resource of Pulumi's Node.js dynamic provider host. */
const TYPE = "pulumi-nodejs:dynamic/chatkit:Session";

/**
 * A ChatKit session: a short-lived client secret for a chat front end. Each `pulumi up` keeps it
 * while it is live and replaces it when it is expired or close to expiry; destroy cancels it.
 */
export class ChatKitSession extends pulumi.CustomResource {
  declare readonly user: pulumi.Output<string>;
  declare readonly workflow: pulumi.Output<{
    id: string;
    /** null when the session runs the latest deployed version. */
    version: string | null;
    stateVariables: Record<string, string | number | boolean> | null;
    tracing: { enabled: boolean };
  }>;
  /** The configuration the API resolved, defaults included. */
  declare readonly chatkitConfiguration: pulumi.Output<{
    automaticThreadTitling: { enabled: boolean };
    fileUpload: { enabled: boolean; maxFileSize: number | null; maxFiles: number | null };
    /** recentThreads null means unlimited. */
    history: { enabled: boolean; recentThreads: number | null };
  }>;
  declare readonly expiresAfter: pulumi.Output<{ anchor: "created_at"; seconds: number }>;
  declare readonly rateLimits: pulumi.Output<{ maxRequestsPer1Minute: number }>;
  /** The renewal window in effect, in seconds. */
  declare readonly renewBefore: pulumi.Output<number>;
  declare readonly triggers: pulumi.Output<Record<string, string> | null>;
  /** The client secret for the front end; always a Pulumi secret. */
  declare readonly clientSecret: pulumi.Output<string>;
  /** When the session expires, in unix seconds. */
  declare readonly expiresAt: pulumi.Output<number>;
  declare readonly status: pulumi.Output<"active" | "expired" | "cancelled">;
  /** Seconds the API's clock was ahead of this machine's when the session was created. */
  declare readonly apiClockOffset: pulumi.Output<number>;
  /** Where the session lives; a 404 on cancel only proves it gone when it comes from here. */
  declare readonly apiEndpoint: pulumi.Output<ApiEndpoint>;

  constructor(name: string, args: ChatKitSessionArgs, opts?: pulumi.CustomResourceOptions) {
    checkResourceOptions(name, opts);
    if ((args as { __provider?: unknown } | undefined)?.__provider) {
      throw new pulumi.RunError(
        `ChatKitSession ${name}: __provider is not an input: Pulumi's dynamic provider host keeps the provider under that key. Remove it.`,
      );
    }
    args = refuseLostKeys(name, args);
    const additionalSecretOutputs = [
      ...new Set([
        ...(opts?.additionalSecretOutputs ?? []),
        "clientSecret",
        ...(endpointFromSecretConfig() ? ["apiEndpoint"] : []),
      ]),
    ];
    const props = {
      // Every optional input and output key is seeded, so that each exists on the resource as an output
      // and preview shows it as unknown.
      chatkitConfiguration: undefined,
      rateLimits: undefined,
      renewBefore: undefined,
      triggers: undefined,
      clientSecret: undefined,
      expiresAt: undefined,
      status: undefined,
      apiClockOffset: undefined,
      apiEndpoint: undefined,
      // Every key the user passes, known or not: check refuses a misspelled or snake_case key
      // (expires_after) by name, where copying only the known keys would drop it silently and
      // create the session with defaults.
      ...(args as ChatKitSessionArgs & Record<string, unknown>),
      expiresAfter: markDerivedSecrets(args.expiresAfter, additionalSecretOutputs),
      // What pulumi.dynamic.Resource would record, written out (see SERIALIZED_PROVIDER).
      __provider: SERIALIZED_PROVIDER,
    };
    super(TYPE, name, props, { ...opts, additionalSecretOutputs });
  }
}
