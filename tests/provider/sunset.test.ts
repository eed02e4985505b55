import * as assert from "node:assert/strict";
import type { APIError } from "openai";
import { chatKitApiError } from "../../provider/apiError";
import { AttemptsFailed } from "../../provider/retry";
import { resolveSettings } from "../../provider/settings";
import { apiError } from "../helpers/failures";

const settings = resolveSettings({ apiKey: "sk-proj-abcdef123456", project: "proj_x" }, {});

describe("sunset: the Agent Builder shutdown, told where a failure fits it", () => {
  it("names the Agent Builder shutdown for a fitting create failure on or after 2026-11-30, not before", () => {
    const before = Date.UTC(2026, 10, 29, 23, 59, 59);
    const after = Date.UTC(2026, 10, 30, 0, 0, 0);
    const fitting = [
      apiError(404, { message: "Workflow with id 'wf_1' not found.", param: "workflow.id" }),
      apiError(410, { message: "Gone." }),
      apiError(400, { message: "Hosted workflows have been deprecated." }),
      apiError(403, { message: "Agent Builder has shut down." }),
    ];
    for (const raw of fitting) {
      const hint = (now: number) =>
        chatKitApiError("create", new AttemptsFailed(raw, 1, "failed"), settings, now).hint ?? "";
      assert.match(
        hint(after),
        /scheduled Agent Builder.*to shut down on 2026-11-30.*ChatKit itself stays available.*advanced integration with your own server/,
        raw.message,
      );
      assert.doesNotMatch(hint(before), /Agent Builder/, raw.message);
    }
    const unrelated = chatKitApiError(
      "create",
      new AttemptsFailed(apiError(400, { message: "user is empty" }), 1, "failed"),
      settings,
      after,
    );
    assert.doesNotMatch(unrelated.hint ?? "", /Agent Builder/);
    const missing = chatKitApiError("create", new AttemptsFailed(fitting[0]!, 1, "failed"), settings, before);
    assert.match(missing.hint ?? "", /another organization or project/);
  });

  it("names the Agent Builder shutdown for each wording that fits, on a create only", () => {
    const after = Date.UTC(2026, 10, 30);
    const hint = (operation: "create" | "cancel", error: APIError) =>
      chatKitApiError(operation, new AttemptsFailed(error, 1, "failed"), settings, after).hint ?? "";
    for (const message of [
      "Hosted workflows are deprecated.",
      "The service was shut down.",
      "The service has shutdown.",
      "This feature reached its sunset.",
      "Workflows are discontinued.",
      "This is no longer available.",
      "This is no longer supported.",
      "Agent Builder is closed.",
    ]) {
      assert.match(hint("create", apiError(400, { message })), /^OpenAI scheduled Agent Builder/, message);
      assert.doesNotMatch(hint("cancel", apiError(400, { message })), /Agent Builder/, message);
    }
    assert.match(hint("create", apiError(410, { message: "Gone." })), /^OpenAI scheduled Agent Builder.*working\.$/);
    assert.match(
      hint("create", apiError(404, { message: "Not found.", param: "workflow" })),
      /working\. If the workflow should still exist, check that the key belongs to its organization and project/,
    );
    assert.doesNotMatch(hint("create", apiError(404, { message: "Project not found." })), /Agent Builder/);
    assert.doesNotMatch(hint("create", apiError(400, { message: "Invalid workflow version." })), /Agent Builder/);
    assert.doesNotMatch(
      hint("create", apiError(400, { message: "The session is no longer active." })),
      /Agent Builder/,
    );
  });
});
