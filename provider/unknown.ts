/**
 * During `pulumi preview` the engine sends an input whose value is not known yet as this
 * string (the dynamic-provider host does not translate it). check lets it pass, and diff
 * treats it as a change.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when the value, or anything nested in it, is not known yet. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (value !== null && typeof value === "object") {
    return Object.values(value).some(containsUnknown);
  }
  return false;
}

/** The value at `path` inside `root`, or undefined where the path does not lead anywhere. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** True when the value at `path`, or at any of its prefixes, is not known yet. */
export function isUnknownAt(root: unknown, path: readonly PropertyKey[]): boolean {
  for (let length = 0; length <= path.length; length++) {
    if (valueAt(root, path.slice(0, length)) === UNKNOWN) return true;
  }
  return false;
}
