import * as assert from "node:assert/strict";
import { inspect } from "node:util";
import { APIError } from "openai";
import { chatKitApiError } from "../../provider/apiError";
import { AttemptsFailed } from "../../provider/retry";
import { resolveSettings } from "../../provider/settings";
import { apiError, connection } from "../helpers/failures";

const settings = resolveSettings({ apiKey: "sk-proj-abcdef123456", project: "proj_x" }, {});

describe("apiError: a failed call described, with nothing secret", () => {
  it("carries status, type, param, code, request id and attempts in the message", () => {
    const error = chatKitApiError(
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

  it("keeps the SDK's raw error out of what printing the error shows", () => {
    const raw = apiError(401, { message: "Incorrect API key provided: sk-pro********3456." });
    const error = chatKitApiError("create", new AttemptsFailed(raw, 1, "failed"), settings);
    assert.equal(error.lastError, raw);
    assert.doesNotMatch(inspect(error, { depth: 5 }), /3456/);
  });

  it("writes out the parts the API gave, and only those", () => {
    const bare = chatKitApiError(
      "cancel",
      new AttemptsFailed(
        APIError.generate(502, { error: { message: "Bad gateway" } }, undefined, new Headers()),
        3,
        "gave up",
      ),
      settings,
    );
    assert.equal(
      bare.message,
      "ChatKit session cancel gave up after 3 attempts: HTTP 502: Bad gateway (request id none)",
    );
    assert.equal(bare.type, undefined);
    assert.equal(bare.code, undefined);
    const text = chatKitApiError(
      "create",
      new AttemptsFailed(APIError.generate(500, undefined, "upstream failed", new Headers()), 1, "failed"),
      settings,
    );
    assert.match(text.message, /HTTP 500: 500 upstream failed \(request id none\)$/);
    assert.match(String(bare), /^ChatKitApiError: ChatKit session cancel gave up/);
    const plain = chatKitApiError(
      "cancel",
      new AttemptsFailed(
        APIError.generate(503, { error: "Service Unavailable" }, undefined, new Headers()),
        1,
        "failed",
      ),
      settings,
    );
    assert.equal(
      plain.message,
      'ChatKit session cancel failed after 1 attempt: HTTP 503: 503 "Service Unavailable" (request id none)',
    );
    const coded = chatKitApiError(
      "create",
      new AttemptsFailed(apiError(400, { code: "bad_value" }), 1, "failed"),
      settings,
    );
    assert.equal(coded.code, "bad_value");
    assert.equal(coded.type, "invalid_request_error");
    const dropped = chatKitApiError(
      "create",
      new AttemptsFailed(connection(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })), 1, "failed"),
      settings,
    );
    assert.match(
      dropped.message,
      /failed after 1 attempt: Connection error\. \(socket hang up ECONNRESET\)\nHint: The connection/,
    );
    const odd = chatKitApiError("cancel", new AttemptsFailed("a string", 1, "failed"), settings);
    assert.equal(odd.message, "ChatKit session cancel failed after 1 attempt: a string");
    assert.equal(odd.hint, undefined);
  });

  it("keeps at most 4,096 characters of each part the API sent, whatever its type", () => {
    const long = "q".repeat(100_000);
    const raw = apiError(400, { message: long, type: long, param: { odd: true }, code: 7 });
    const error = chatKitApiError("create", new AttemptsFailed(raw, 1, "failed"), settings);
    assert.match(
      error.message,
      /^ChatKit session create failed after 1 attempt: HTTP 400 q{4096}… \(truncated, 100000 characters in all\) \(param \[object Object\]\) \[7\]: q{4096}… \(truncated, 100000 characters in all\) \(request id req_123\)$/,
    );
    assert.equal(error.type, `${"q".repeat(4096)}… (truncated, 100000 characters in all)`);
  });

  it("keeps the key out of the hint too, even a key pasted into the organization", () => {
    const key = "custom-key-0123456789abcdef";
    const pasted = resolveSettings({ apiKey: key, organization: key }, {});
    const error = chatKitApiError(
      "create",
      new AttemptsFailed(apiError(404, { message: "Workflow not found." }), 1, "failed"),
      pasted,
      Date.UTC(2026, 0, 1),
    );
    assert.match(error.hint ?? "", /organization \(fingerprint [0-9a-f]{8}\), project/);
    assert.ok(!error.message.includes(key) && !(error.hint ?? "").includes(key));
  });
});
