import * as pulumi from "@pulumi/pulumi";

/**
 * Keys that @pulumi/pulumi cannot carry to the provider, refused where ChatKitSession sees its
 * arguments, since the provider never could:
 *
 * - `__proto__` in triggers or workflow.stateVariables: the SDK copies each object by assigning
 *   its keys, and assigning `__proto__` sets the copy's prototype instead, so the key is dropped
 *   without a word (a trigger that never replaces, a state variable never sent). Other names an
 *   object inherits (`constructor`, `prototype`) are plain keys there, and arrive.
 * - `toString` in an object given directly as an input: the SDK turns each input into text for
 *   its logs, which throws when the object's own `toString` is not a function.
 */
const DROPPED = "__proto__";

type Args = Record<string, unknown>;

const isRecord = (value: unknown): value is Args =>
  value !== null && typeof value === "object" && !Array.isArray(value);
const isPending = (value: unknown) => pulumi.Output.isInstance(value) || value instanceof Promise;

function refuseDropped(name: string, property: string, value: unknown, what: string): void {
  if (!isRecord(value) || !Object.hasOwn(value, DROPPED)) return;
  throw new pulumi.RunError(
    `ChatKitSession ${name}: ${property} has the key "${DROPPED}", which Pulumi drops without a word when it sends the inputs to the provider (assigning it sets an object's prototype instead of adding a key), so ${what}. Rename the key.`,
  );
}

/**
 * `value` checked now when it is known, or when it resolves when it is an Output or a promise.
 * Never through pulumi.output(), which copies the value the same lossy way before anyone sees it.
 */
function whenResolved<T>(value: T, check: (resolved: unknown) => void): T {
  const checked = (resolved: unknown) => {
    check(resolved);
    return resolved;
  };
  if (pulumi.Output.isInstance(value)) return (value as pulumi.Output<unknown>).apply(checked) as T;
  if (value instanceof Promise) return value.then(checked) as T;
  check(value);
  return value;
}

/** The arguments, refused when they hold a key that would not arrive; unchanged otherwise. */
export function refuseLostKeys<T extends object>(name: string, args: T): T {
  const given = args as Args;
  for (const [key, value] of Object.entries(given)) {
    if (
      isRecord(value) &&
      !isPending(value) &&
      Object.hasOwn(value, "toString") &&
      typeof value.toString !== "function"
    ) {
      throw new pulumi.RunError(
        `ChatKitSession ${name}: ${key} has the key "toString", on which Pulumi fails to register the resource (it turns each input into text, and this object's own toString is not a function). Rename the key.`,
      );
    }
  }
  const triggers = (value: unknown) =>
    refuseDropped(
      name,
      "triggers",
      value,
      "the trigger would never be recorded, and changing it would never replace the session",
    );
  const stateVariables = (value: unknown) =>
    refuseDropped(name, "workflow.stateVariables", value, "the variable would never be sent to the workflow");
  const workflow = given.workflow;
  const checkWorkflow = (resolved: unknown) => stateVariables(isRecord(resolved) ? resolved.stateVariables : undefined);
  // An Output lifts property reads into Outputs, so only a workflow given as a plain object is looked into.
  const pendingVariables = !isPending(workflow) && isRecord(workflow) && isPending(workflow.stateVariables);
  return {
    ...given,
    ...(given.triggers !== undefined && { triggers: whenResolved(given.triggers, triggers) }),
    ...(workflow !== undefined && {
      workflow: pendingVariables
        ? { ...workflow, stateVariables: whenResolved(workflow.stateVariables, stateVariables) }
        : whenResolved(workflow, checkWorkflow),
    }),
  } as T;
}
