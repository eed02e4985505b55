/**
 * Secret values as Pulumi's wire format carries them to a provider that accepts secrets, and as
 * it takes them back: `{ [SECRET_SIG_KEY]: SECRET_SIG, value }`. The constants are the protocol's
 * (sdk/go/common/resource/sig in pulumi/pulumi), fixed for every release.
 */
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export function isSecretValue(value: unknown): value is { value: unknown } {
  return (
    value !== null && typeof value === "object" && (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG
  );
}

/** A value marked secret. */
export function secret<T>(value: T): T {
  return { [SECRET_SIG_KEY]: SECRET_SIG, value } as T;
}

/** The plain values, with every secret mark taken off. */
export function reveal(value: unknown): any {
  if (isSecretValue(value)) return reveal(value.value);
  if (Array.isArray(value)) return value.map(reveal);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, reveal(child)]));
  }
  return value;
}

/** Whether a secret mark sits anywhere in the value. */
export function holdsSecret(value: unknown): boolean {
  if (isSecretValue(value)) return true;
  if (value === null || typeof value !== "object") return false;
  return Object.values(value).some(holdsSecret);
}

/** The top-level keys of an object whose values hold a secret anywhere. */
export function keysHoldingSecrets(props: Record<string, unknown> | undefined): string[] {
  return Object.entries(props ?? {}).flatMap(([key, value]) => (holdsSecret(value) ? [key] : []));
}

/** A copy with the values at these top-level keys marked secret (each once). */
export function markKeys(props: Record<string, unknown>, keys: Iterable<string>): Record<string, unknown> {
  const marked = { ...props };
  for (const key of keys) {
    if (Object.hasOwn(marked, key) && marked[key] !== undefined && !isSecretValue(marked[key])) {
      marked[key] = secret(reveal(marked[key]));
    }
  }
  return marked;
}
