import * as pulumi from "@pulumi/pulumi";
import { RECORDED_IN_API_ENDPOINT } from "../provider/endpoint";
import { DERIVED_FROM_EXPIRES_AFTER } from "../provider/normalize";

/**
 * Pulumi marks an output secret when the input at the same key path was secret. `expiresAt` and
 * (when not given) `renewBefore` are computed from `expiresAfter`, so a secret lifetime would leave
 * them in plain text. This returns `expiresAfter` unchanged, as a promise that first adds both
 * keys to the resource's additional secret outputs when it is secret: the SDK sends the resource
 * options only after every input has resolved, so the list is complete by then.
 */
export function markDerivedSecrets<T>(
  expiresAfter: pulumi.Input<T> | undefined,
  additionalSecretOutputs: string[],
): pulumi.Input<T> | undefined {
  if (expiresAfter === undefined || expiresAfter === null || typeof expiresAfter !== "object") return expiresAfter;
  return (async () => {
    if (await pulumi.isSecret(pulumi.output(expiresAfter))) {
      for (const key of DERIVED_FROM_EXPIRES_AFTER) {
        if (!additionalSecretOutputs.includes(key)) additionalSecretOutputs.push(key);
      }
    }
    return expiresAfter as T;
  })();
}

/**
 * True when a setting that apiEndpoint records was set with `--secret`: nothing links that output
 * to the config for the engine, so the resource has to ask for it to be secret. Whether a key is
 * secret is known only through a function @pulumi/pulumi keeps internal; should a release drop
 * or change it, or should it fail, apiEndpoint is kept secret rather than risk a secret in plain
 * text.
 */
export function endpointFromSecretConfig(
  isConfigSecret = (pulumi.runtime as { isConfigSecret?: unknown }).isConfigSecret,
): boolean {
  if (typeof isConfigSecret !== "function") return true;
  try {
    return RECORDED_IN_API_ENDPOINT.some((name) => isConfigSecret(`chatkit:${name}`) === true);
  } catch {
    return true;
  }
}
