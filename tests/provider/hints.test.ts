import * as assert from "node:assert/strict";
import { APIConnectionTimeoutError, APIError } from "openai";
import { chatKitApiError } from "../../provider/apiError";
import { AttemptTimedOutError, NotSentError } from "../../provider/errors";
import { fingerprint } from "../../provider/redaction";
import { AttemptsFailed } from "../../provider/retry";
import { resolveSettings } from "../../provider/settings";
import { apiError, connection } from "../helpers/failures";

const settings = resolveSettings({ apiKey: "sk-proj-abcdef123456", project: "proj_x" }, {});

describe("hints: what to do about each failure", () => {
  it("hints at the key's source on 401 and at the project on a missing workflow, without the key", () => {
    const unauthorized = chatKitApiError(
      "create",
      new AttemptsFailed(apiError(401, { message: "Incorrect API key provided: sk-pro********3456." }), 1, "failed"),
      settings,
    );
    assert.match(unauthorized.message, /came from stack config chatkit:apiKey/);
    assert.doesNotMatch(unauthorized.message, /3456|abcdef/);
    // Before the Agent Builder shutdown: from 2026-11-30 a missing workflow is told as that instead.
    const missing = chatKitApiError(
      "create",
      new AttemptsFailed(apiError(404, { message: "Workflow with id 'wf_1' not found." }), 1, "failed"),
      settings,
      Date.UTC(2026, 10, 29),
    );
    // The project by fingerprint only: any setting may have been set with --secret.
    assert.ok(
      (missing.hint ?? "").includes(`organization (the key's default), project (fingerprint ${fingerprint("proj_x")})`),
    );
    assert.ok(!(missing.hint ?? "").includes("proj_x"));
  });

  it("tells a missing workflow on the emulator as the emulator's rule, not as the Agent Builder shutdown", async () => {
    const afterShutdown = Date.UTC(2026, 11, 3);
    const fromEmulator = (assumption: string, status = 404, operation: "create" | "cancel" = "create") =>
      chatKitApiError(
        operation,
        new AttemptsFailed(
          APIError.generate(
            status,
            {
              error: {
                message: "Workflow with id 'wrkflow_1' not found.",
                type: "invalid_request_error",
                param: null,
                code: null,
              },
            },
            undefined,
            new Headers({ "x-emulator-assumption": assumption }),
          ),
          1,
          "failed",
        ),
        settings,
        afterShutdown,
      );
    for (const assumption of ["workflow-exists", "key-format, workflow-exists"]) {
      const hint = fromEmulator(assumption).hint ?? "";
      assert.match(hint, /local ChatKit emulator's: it knows a workflow when its id starts with wf_/);
      assert.doesNotMatch(hint, /Agent Builder/);
    }
    assert.match(fromEmulator("workflow-existence").hint ?? "", /Agent Builder/);
    // The emulator marks only a create's missing workflow, a 404: the mark elsewhere is not that answer.
    assert.doesNotMatch(fromEmulator("workflow-exists", 400).hint ?? "", /local ChatKit emulator's/);
    assert.doesNotMatch(fromEmulator("workflow-exists", 404, "cancel").hint ?? "", /local ChatKit emulator's/);
    assert.match(
      chatKitApiError(
        "create",
        new AttemptsFailed(apiError(404, { message: "Workflow with id 'wf_1' not found." }), 1, "failed"),
        settings,
        afterShutdown,
      ).hint ?? "",
      /Agent Builder/,
    );
  });

  it("reminds on a refused cancel that destroy uses the config recorded at the last up", () => {
    const refusedKey = new AttemptsFailed(apiError(401, { message: "Incorrect API key provided." }), 1, "failed");
    const cancel = chatKitApiError("cancel", refusedKey, settings);
    assert.match(cancel.hint ?? "", /came from stack config chatkit:apiKey/);
    assert.match(cancel.hint ?? "", /recorded in state at the last pulumi up/);
    assert.match(
      cancel.hint ?? "",
      /run pulumi up first, or pulumi destroy --run-program \(Pulumi CLI 3\.160 or later\)/,
    );
    assert.doesNotMatch(chatKitApiError("create", refusedKey, settings).hint ?? "", /recorded in state/);
  });

  it("gives each status its own hint", () => {
    const hint = (operation: "create" | "cancel", error: unknown, given = settings, attempts = 1) =>
      chatKitApiError(operation, new AttemptsFailed(error, attempts, "failed"), given, Date.UTC(2026, 0, 1)).hint;
    const fromEnv = resolveSettings(
      {},
      { OPENAI_API_KEY: "sk-env-abcdef123456", OPENAI_BASE_URL: "http://api.test/v1" },
    );
    assert.equal(
      hint("cancel", apiError(401), fromEnv),
      "The API key was refused. It came from environment variable OPENAI_API_KEY; check that it is a current key for http://api.test/v1.",
    );
    assert.equal(
      hint("create", apiError(403)),
      `The key (from stack config chatkit:apiKey) is not allowed to use ChatKit here; check its permissions and the project (fingerprint ${fingerprint("proj_x")}).`,
    );
    assert.match(hint("create", apiError(403), fromEnv) ?? "", /and the project \(the key's default\)\.$/);
    assert.match(
      hint("create", apiError(404, { message: "Not found.", param: "workflow" }), fromEnv) ?? "",
      /organization \(the key's default\), project \(the key's default\)\. Set chatkit:organization/,
    );
    assert.equal(hint("create", apiError(404, { message: "Project not found." })), undefined);
    // Every 3xx is a redirect not followed, from 300 (Multiple Choices) to 399.
    for (const status of [300, 399]) assert.match(hint("create", apiError(status)) ?? "", /answered with a redirect/);
    assert.doesNotMatch(hint("create", apiError(400)) ?? "", /redirect/);
    assert.equal(hint("create", apiError(400, { message: "Invalid workflow.", param: "workflow.id" })), undefined);
    assert.equal(hint("cancel", apiError(404, { message: "Workflow not found." })), undefined);
    assert.equal(hint("cancel", apiError(405, { message: "Invalid URL (GET /chatkit/sessions/x/cancel)" })), undefined);
    assert.equal(
      hint("cancel", apiError(404, { message: "Invalid URL (POST /chatkit/sessions/x/cancel)" }), fromEnv),
      "The API does not know this route: check that chatkit:baseUrl (or OPENAI_BASE_URL) ends with /v1; it is http://api.test/v1.",
    );
    assert.equal(hint("create", apiError(404, { message: "Invalid URL (POST /chatkit/sessions)" })), undefined);
    assert.match(hint("create", apiError(429), settings, 1) ?? "", /^Still rate limited after 1 attempt\. /);
    assert.match(hint("cancel", apiError(429), settings, 5) ?? "", /^Still rate limited after 5 attempts\. The limit/);
    assert.equal(
      hint("create", new AttemptTimedOutError(30_000, false), fromEnv),
      "No complete answer from http://api.test/v1 within the time allowed (stack config chatkit:timeoutSeconds, 30 s per attempt, within chatkit:retryBudgetSeconds, 90 s in all).",
    );
    assert.match(hint("cancel", new APIConnectionTimeoutError(), fromEnv) ?? "", /^No complete answer from/);
    assert.equal(
      hint("create", new NotSentError("refused", true), fromEnv),
      "Could not talk to http://api.test/v1: check the address (chatkit:baseUrl or OPENAI_BASE_URL) and the network.",
    );
    assert.equal(hint("create", new NotSentError("bad port", false), fromEnv), undefined);
    assert.equal(
      hint("create", connection(new Error("other side closed")), fromEnv),
      "The connection to http://api.test/v1 was closed before an answer arrived (the server, a proxy or the network dropped it); check the address (chatkit:baseUrl or OPENAI_BASE_URL) and the network.",
    );
    assert.equal(hint("create", apiError(500)), undefined);
    assert.equal(hint("create", new Error("odd")), undefined);
  });
});
