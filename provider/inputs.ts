import type { SessionInputs } from "./schema";
import { expandShorthands } from "./shorthands";

/**
 * Inputs that check has already accepted, in their checked form. The engine only ever calls
 * create with the inputs check returned, so create does not pay for a second full validation,
 * which would load zod and cost time on every create; this only guards what building the request
 * body relies on.
 */
export function checkedInputs(given: Record<string, unknown>): SessionInputs {
  const inputs = expandShorthands(given) as SessionInputs;
  if (typeof inputs?.user !== "string" || typeof inputs.workflow?.id !== "string") {
    throw new Error("Invalid ChatKitSession inputs: user and workflow.id must be strings (run check first)");
  }
  return inputs;
}
