import * as assert from "node:assert/strict";
import { inspect } from "node:util";
import * as fc from "fast-check";
import { APIConnectionError, APIConnectionTimeoutError, APIError } from "openai";
import {
  AnswerInterruptedError,
  AttemptTimedOutError,
  ChatKitApiError,
  classifySendFailure,
  isRetryable,
  MalformedAnswerError,
  mayHaveCreated,
  NotSentError,
  redact,
} from "../../provider/errors";
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
  it("retries a create only when the answer proves the API did not act", () => {
    assert.equal(isRetryable("create", apiError(429)), true);
    for (const status of [400, 401, 403, 404, 408, 409, 500, 502, 503, 504])
      assert.equal(isRetryable("create", apiError(status)), false, `${status}`);
    assert.equal(isRetryable("create", classifySendFailure(refused(), "http://x/v1")), true);
    assert.equal(isRetryable("create", new APIConnectionError({ cause: new Error("socket hang up") })), false);
    assert.equal(isRetryable("create", new APIConnectionTimeoutError()), false);
    assert.equal(isRetryable("create", new AttemptTimedOutError(1000, true)), false);
    assert.equal(isRetryable("create", new AnswerInterruptedError(200, new TypeError("terminated"))), false);
  });

  it("retries every transient cancel failure, never one that fails the same way each time", () => {
    for (const status of [408, 409, 429, 500, 502, 503, 504])
      assert.equal(isRetryable("cancel", apiError(status)), true);
    for (const status of [400, 401, 403, 404]) assert.equal(isRetryable("cancel", apiError(status)), false);
    assert.equal(isRetryable("cancel", new APIConnectionTimeoutError()), true);
    assert.equal(isRetryable("cancel", new MalformedAnswerError("cancel", undefined)), true);
    assert.equal(isRetryable("cancel", new NotSentError("bad port", false)), false);
  });

  it("knows which create failures may have created a session", () => {
    for (const status of [500, 502, 503, 504]) assert.equal(mayHaveCreated(apiError(status)), true, `${status}`);
    assert.equal(mayHaveCreated(new APIConnectionTimeoutError()), true);
    assert.equal(mayHaveCreated(new AttemptTimedOutError(1000, false)), true);
    assert.equal(mayHaveCreated(new MalformedAnswerError("create", undefined)), true);
    assert.equal(mayHaveCreated(apiError(429)), false);
    assert.equal(mayHaveCreated(apiError(400)), false);
    assert.equal(mayHaveCreated(classifySendFailure(refused(), "http://x/v1")), false);
  });

  it("says nothing was sent, and why, for failures before the request left", () => {
    const badPort = new APIConnectionError({
      cause: Object.assign(new TypeError("fetch failed"), { cause: new Error("bad port") }),
    });
    const cases: [unknown, RegExp][] = [
      [badPort, /fetch refuses to connect to the port of http:\/\/127\.0\.0\.1:6000\/v1/],
      [new RangeError("Invalid string length"), /too large to serialize/],
      [
        new TypeError("Cannot convert argument to a ByteString because the character at index 13 has a value of 8203"),
        /cannot carry/,
      ],
      [new TypeError('Headers.append: "x" is an invalid header value.'), /cannot carry/],
    ];
    for (const [raw, reason] of cases) {
      const classified = classifySendFailure(raw, "http://127.0.0.1:6000/v1");
      assert.ok(classified instanceof NotSentError, String(raw));
      assert.match(classified.message, /^nothing was sent: /);
      assert.match(classified.message, reason);
      assert.equal(mayHaveCreated(classified), false);
      assert.equal(isRetryable("create", classified), false);
    }
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

  it("reminds on a refused cancel that destroy uses the config recorded at the last up", () => {
    const refusedKey = new AttemptsFailed(apiError(401, { message: "Incorrect API key provided." }), 1, "failed");
    const cancel = new ChatKitApiError("cancel", refusedKey, settings);
    assert.match(cancel.hint ?? "", /came from stack config chatkit:apiKey/);
    assert.match(cancel.hint ?? "", /recorded in state at the last pulumi up/);
    assert.match(
      cancel.hint ?? "",
      /run pulumi up first, or pulumi destroy --run-program \(Pulumi CLI 3\.160 or later\)/,
    );
    assert.doesNotMatch(new ChatKitApiError("create", refusedKey, settings).hint ?? "", /recorded in state/);
  });

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
        new ChatKitApiError("create", new AttemptsFailed(raw, 1, "failed"), settings, now).hint ?? "";
      assert.match(
        hint(after),
        /scheduled Agent Builder.*to shut down on 2026-11-30.*ChatKit itself stays available.*advanced integration with your own server/,
        raw.message,
      );
      assert.doesNotMatch(hint(before), /Agent Builder/, raw.message);
    }
    const unrelated = new ChatKitApiError(
      "create",
      new AttemptsFailed(apiError(400, { message: "user is empty" }), 1, "failed"),
      settings,
      after,
    );
    assert.doesNotMatch(unrelated.hint ?? "", /Agent Builder/);
    const missing = new ChatKitApiError("create", new AttemptsFailed(fitting[0]!, 1, "failed"), settings, before);
    assert.match(missing.hint ?? "", /another organization or project/);
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
    assert.equal(redact("echo token_ek_0123456789abcdef end", []), "echo token_ek-[redacted] end");
    assert.equal(redact("task-force stays", []), "task-force stays");
    const key = "sk-proj-canary-5f0e8c1d2b3a49786";
    assert.equal(redact("key proj-canary-5f0e8c1d2b3a49786 given", [key]), "key proj-[redacted] given");
    assert.equal(redact("tail 5f0e8c1d2b3a49786.", [key]), "tail [redacted].");
    assert.equal(redact("masked pro********9786 and proj-********9786", []), "masked [redacted] and [redacted]");
  });

  it("never shows a run of 10 characters of a known secret, wherever it sits in the text", () => {
    const alphanumeric = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
    fc.assert(
      fc.property(
        fc.string({ unit: alphanumeric, minLength: 10, maxLength: 80 }),
        fc.string({ maxLength: 40 }),
        fc.string({ maxLength: 40 }),
        fc.nat(),
        fc.nat(),
        (secret, before, after, start, extra) => {
          const from = start % (secret.length - 9);
          const run = secret.slice(from, from + 10 + (extra % (secret.length - 9 - from)));
          const shown = redact(`${before}${run}${after}`, [secret]);
          for (let at = 0; at + 10 <= secret.length; at++) {
            assert.ok(!shown.includes(secret.slice(at, at + 10)), `${JSON.stringify(shown)} shows part of the secret`);
          }
        },
      ),
    );
  });

  it("redacts against a 10 MiB secret (a string state variable at its limit) in one pass", () => {
    // Listing every run of the secret took about a minute and a gigabyte at this size; one pass
    // takes a fraction of a second. The bound is 50 times that, so only the old way can miss it.
    const secret = "x".repeat(5 * 1024 * 1024) + "0123456789abcdefghij".repeat(256 * 1024);
    const started = performance.now();
    const shown = redact('404: no workflow; echoed "0123456789abcdefghij" and "xxxxxxxxxx"', [secret]);
    assert.ok(performance.now() - started < 5000, "well within any retry budget");
    assert.equal(shown, '404: no workflow; echoed "[redacted]" and "[redacted]"');
  });
});
