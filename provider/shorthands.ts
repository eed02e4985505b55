/**
 * The shorthand forms inputs may take, written out. Free of zod, so that create, which never
 * loads the schema, reads inputs the way check does.
 */

/** A bare number of seconds is shorthand for expiresAfter { anchor: "created_at", seconds }. */
export function expandShorthands(given: unknown): unknown {
  if (given === null || typeof given !== "object" || Array.isArray(given)) return given;
  const { __provider: _ignored, ...inputs } = given as Record<string, unknown>;
  if (typeof inputs.expiresAfter === "number") {
    inputs.expiresAfter = { anchor: "created_at", seconds: inputs.expiresAfter };
  }
  return inputs;
}
