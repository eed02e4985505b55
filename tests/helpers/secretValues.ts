import { isSecretValue, reveal, secret } from "../../provider/secretMarks";

/**
 * Secret values as Pulumi's wire format carries them (`{ [sig]: secretSig, value }`), the way the
 * language SDKs send them and the engine marks outputs: one set of walkers for every test helper,
 * on top of the provider's own (provider/secretMarks.ts).
 */
export { isSecretValue, reveal, secret };

/** The key paths holding secret values. */
export function secretKeyPaths(value: unknown, prefix: string[] = []): string[][] {
  if (isSecretValue(value)) return [prefix];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, child]) => secretKeyPaths(child, [...prefix, key]));
}

/** A copy with the values at these key paths marked secret, the way the engine marks a provider's outputs. */
export function markSecret(state: Record<string, any>, paths: string[][]): Record<string, any> {
  const copy = structuredClone(state);
  for (const path of paths) {
    let parent: any = copy;
    for (const key of path.slice(0, -1)) parent = parent?.[key];
    const last = path.at(-1);
    if (parent && last !== undefined && last in parent) parent[last] = secret(parent[last]);
  }
  return copy;
}
