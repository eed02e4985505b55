import * as assert from "node:assert/strict";
import { inspect } from "node:util";
import { APIConnectionError, APIConnectionTimeoutError, APIError } from "openai";
import { ChatKitApiError, isRetryable, MalformedAnswerError, mayHaveCreated, redact } from "../../provider/errors";
import { AttemptsFailed } from "../../provider/retry";
import { resolveSettings } from "../../provider/settings";

const settings = resolveSettings({ apiKey: "sk-proj-abcdef123456", project: "proj_x" }, {});
const apiError = (status: number, body: Record<string, unknown> = {}) =>
  APIError.generate(
    status,
    { error: { message: "boom", type: "invalid_request_error", param: null, code: null, ...body } },
    undefined,
    new Headers({ "x-request-id": "req_123" }),
  );
const refused = () => new APIConnectionError({ cause: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }) });

describe("errors", () => {
  it("retries a create only when the API cannot have acted", () => {
    for (const status of [429, 502, 503, 504]) assert.equal(isRetryable("create", apiError(status)), true, `${status}`);
    for (const status of [400, 401, 403, 404, 408, 409, 500])
      assert.equal(isRetryable("create", apiError(status)), false, `${status}`);
    assert.equal(isRetryable("create", refused()), true);
    assert.equal(isRetryable("create", new APIConnectionError({ cause: new Error("socket hang up") })), false);
    assert.equal(isRetryable("create", new APIConnectionTimeoutError()), false);
  });

  it("retries every transient cancel failure", () => {
    for (const status of [408, 409, 429, 500, 502, 503, 504])
      assert.equal(isRetryable("cancel", apiError(status)), true);
    for (const status of [400, 401, 403, 404]) assert.equal(isRetryable("cancel", apiError(status)), false);
    assert.equal(isRetryable("cancel", new APIConnectionTimeoutError()), true);
    assert.equal(isRetryable("cancel", new MalformedAnswerError("cancel", undefined)), true);
  });

  it("knows which create failures may have created a session", () => {
    assert.equal(mayHaveCreated(apiError(500)), true);
    assert.equal(mayHaveCreated(new APIConnectionTimeoutError()), true);
    assert.equal(mayHaveCreated(new MalformedAnswerError("create", undefined)), true);
    assert.equal(mayHaveCreated(apiError(503)), false);
    assert.equal(mayHaveCreated(apiError(400)), false);
    assert.equal(mayHaveCreated(refused()), false);
  });

  it("carries status, type, param, code, request id and attempts in the message", () => {
    const error = new ChatKitApiError(
      "create",
      new AttemptsFailed(apiError(400, { param: "user", code: "empty_string" }), 1, "failed"),
      settings,
    );
    assert.equal(
      error.message,
      "ChatKit session create failed after 1 attempt: HTTP 400 invalid_request_error (param user) [empty_string]: boom (request id req_123)",
    );
    assert.equal(error.status, 400);
    assert.equal(error.param, "user");
    assert.equal(error.requestId, "req_123");
    assert.equal(error.attempts, 1);
  });

  it("hints at the key's source on 401 and at the project on a missing workflow, without the key", () => {
    const unauthorized = new ChatKitApiError(
      "create",
      new AttemptsFailed(apiError(401, { message: "Incorrect API key provided: sk-pro********3456." }), 1, "failed"),
      settings,
    );
    assert.match(unauthorized.message, /came from stack config chatkit:apiKey/);
    assert.doesNotMatch(unauthorized.message, /3456|abcdef/);
    const missing = new ChatKitApiError(
      "create",
      new AttemptsFailed(apiError(404, { message: "Workflow with id 'wf_1' not found." }), 1, "failed"),
      settings,
    );
    assert.match(missing.hint ?? "", /another organization or project .* project proj_x/);
  });

  it("keeps the SDK's raw error out of what printing the error shows", () => {
    const raw = apiError(401, { message: "Incorrect API key provided: sk-pro********3456." });
    const error = new ChatKitApiError("create", new AttemptsFailed(raw, 1, "failed"), settings);
    assert.equal(error.lastError, raw);
    assert.doesNotMatch(inspect(error, { depth: 5 }), /3456/);
  });

  it("redacts keys, masked key fragments and client secrets", () => {
    assert.equal(redact("key sk-proj-abc123xyz here", []), "key sk-[redacted] here");
    assert.equal(redact("masked sk-********abcd.", []), "masked sk-[redacted]");
    assert.equal(redact("secret ek_0123456789abcdef", []), "secret ek-[redacted]");
    assert.equal(redact("custom my-own-key-value", ["my-own-key-value"]), "custom [redacted]");
    assert.equal(redact("session cksess_123 stays", []), "session cksess_123 stays");
  });
});
