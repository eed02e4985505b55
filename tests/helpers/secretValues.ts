import * as rpc from "@pulumi/pulumi/runtime/rpc";

/**
 * Secret values as Pulumi's wire format carries them (`{ [sig]: secretSig, value }`), the way the
 * language SDKs send them and the engine marks outputs: one set of walkers for every test helper.
 */

/** A value marked secret. */
export function secret<T>(value: T): T {
  return { [rpc.specialSigKey]: rpc.specialSecretSig, value } as T;
}

export function isSecretValue(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === "object" &&
    (value as Record<string, unknown>)[rpc.specialSigKey] === rpc.specialSecretSig
  );
}

/** The plain values, as the engine sends them to a provider that accepts no secrets. */
export function reveal(value: unknown): any {
  if (isSecretValue(value)) return reveal((value as { value: unknown }).value);
  if (Array.isArray(value)) return value.map(reveal);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, reveal(child)]));
  }
  return value;
}

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
