/**
 * check's inputs read once into plain data. Direct callers of `pulumi-chatkit/provider` may pass
 * any object: one whose getter throws, a revoked Proxy, a Proxy whose traps throw, a cycle. The
 * copy holds only own enumerable string keys, arrays, primitives and, for a function, a stand-in of
 * its own, so everything check does afterwards runs without calling the caller's code again.
 * Whatever cannot be read is reported by its path, with no part of what it threw (that text could
 * be anything, a secret included).
 */

export interface Unreadable {
  path: PropertyKey[];
  reason: string;
}

/** Deeper than any input can be; an object that goes on forever (a getter making a new one each time) ends here. */
const MAX_DEPTH = 64;

/**
 * Frozen, so that no caller can change it through the inputs check returns; no length, so that a
 * text's length rule says nothing of it beside the refusal of its kind.
 */
const standInFunction = Object.freeze(Object.defineProperty(() => undefined, "length", { value: undefined }));

const UNREADABLE =
  "could not be read: reading it threw an error (a getter, or a Proxy that is revoked or whose traps throw)";

export function readPlain(value: unknown): { value: unknown; unreadable: Unreadable[] } {
  const unreadable: Unreadable[] = [];
  const onPath = new Set<object>();

  /** Reads the value at `path` with `read`, then copies it. */
  const copy = (read: () => unknown, path: PropertyKey[]): unknown => {
    let current: unknown;
    try {
      current = read();
    } catch {
      unreadable.push({ path, reason: UNREADABLE });
      return undefined;
    }
    // check only looks at a function's kind, and the caller's may be a Proxy that throws on any
    // touch: a function of our own stands in for it.
    if (typeof current === "function") return standInFunction;
    if (current === null || typeof current !== "object") return current;
    if (onPath.has(current)) {
      unreadable.push({ path, reason: "refers back to an object that holds it (a cycle): inputs must be plain data" });
      return undefined;
    }
    if (path.length >= MAX_DEPTH) {
      unreadable.push({ path, reason: `is nested more than ${MAX_DEPTH} levels deep` });
      return undefined;
    }
    const holder = current as Record<PropertyKey, unknown>;
    onPath.add(holder);
    try {
      if (Array.isArray(holder)) {
        return Array.from({ length: holder.length }, (_, index) => copy(() => holder[index], [...path, index]));
      }
      // fromEntries defines each key, so a key named __proto__ stays a key (check refuses it by name).
      return Object.fromEntries(Object.keys(holder).map((key) => [key, copy(() => holder[key], [...path, key])]));
    } catch {
      unreadable.push({ path, reason: UNREADABLE });
      return undefined;
    } finally {
      onPath.delete(holder);
    }
  };

  return { value: copy(() => value, []), unreadable };
}
