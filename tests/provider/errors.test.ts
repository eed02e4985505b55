import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { inspect, promisify } from "node:util";
import * as fc from "fast-check";
import { APIConnectionError, APIConnectionTimeoutError, APIError } from "openai";
import {
  AnswerInterruptedError,
  AttemptTimedOutError,
  ChatKitApiError,
  classifySendFailure,
  formatSeconds,
  isRetryable,
  MalformedAnswerError,
  mayHaveCreated,
  NotSentError,
  UnusableSessionError,
} from "../../provider/errors";
import { fingerprint, redact } from "../../provider/redaction";
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
    // Before the Agent Builder shutdown: from 2026-11-30 a missing workflow is told as that instead.
    const missing = new ChatKitApiError(
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

  it("redacts against a 10 MiB secret (a string state variable at its limit) in one pass, in a 64 MiB heap", async () => {
    // Listing every 10-character run of a secret this size took about a minute and a gigabyte; one
    // pass needs little more than the secret itself. A heap capped at 64 MiB tells the two apart
    // on any machine, where a time limit would depend on how busy it is. The secret's letters are
    // random, so that its runs are all different, as a real secret's are.
    const script = `
      const { redact } = require(${JSON.stringify(path.join(__dirname, "..", "..", "provider", "redaction.js"))});
      const bytes = require("node:crypto").randomBytes(10 * 1024 * 1024);
      for (let i = 0; i < bytes.length; i++) bytes[i] = 97 + (bytes[i] % 26);
      const secret = bytes.toString("latin1");
      const echoed = '404: no workflow; echoed "' + secret.slice(5e6, 5e6 + 20) + '" and "' + secret.slice(10, 20) + '"';
      process.stdout.write(redact(echoed, [secret]));`;
    const { stdout } = await promisify(execFile)(process.execPath, ["--max-old-space-size=64", "-e", script], {
      timeout: 25_000,
    });
    assert.equal(stdout, '404: no workflow; echoed "[redacted]" and "[redacted]"');
  });
});

describe("errors: what each failure says", () => {
  const connection = (cause: unknown) => new APIConnectionError({ cause: cause as Error });
  const withCode = (code: string, message = "connect failed") => Object.assign(new Error(message), { code });

  it("names each way a connection can fail before anything is sent, and retries it", () => {
    const sentences: Record<string, string> = {
      ECONNREFUSED: "the connection was refused",
      ENOTFOUND: "the host name did not resolve",
      EAI_AGAIN: "the host name could not be resolved for now",
      EHOSTUNREACH: "the host is unreachable",
      ENETUNREACH: "the network is unreachable",
    };
    for (const [code, sentence] of Object.entries(sentences)) {
      // The code may sit on the cause of the cause, as undici reports it.
      const classified = classifySendFailure(
        connection(Object.assign(new TypeError("fetch failed"), { cause: withCode(code) })),
        "http://x/v1",
      );
      assert.ok(classified instanceof NotSentError, code);
      assert.equal(classified.message, `nothing was sent: ${sentence} (${code})`);
      assert.equal(isRetryable("create", classified), true, code);
      assert.equal(mayHaveCreated(classified), false, code);
    }
  });

  it("reads a failed TLS handshake, and only that, as nothing sent", () => {
    for (const code of [
      "ERR_TLS_CERT_ALTNAME_INVALID",
      "ERR_SSL_WRONG_VERSION_NUMBER",
      "CERT_HAS_EXPIRED",
      "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
      "DEPTH_ZERO_SELF_SIGNED_CERT",
      "SELF_SIGNED_CERT_IN_CHAIN",
      "EPROTO",
    ]) {
      const classified = classifySendFailure(connection(withCode(code)), "https://api.test/v1");
      assert.ok(classified instanceof NotSentError, code);
      assert.equal(
        classified.message,
        `nothing was sent: the TLS handshake with https://api.test/v1 failed (${code}): check that the address is right (http or https) and that its certificate is trusted`,
      );
      assert.equal(isRetryable("cancel", classified), false, code);
    }
    // A reset, or codes that only contain those words, may come after the request was written.
    for (const code of ["ECONNRESET", "EPROTONOSUPPORT", "X_ERR_TLS_", "XCERT_", "UND_ERR_SOCKET"]) {
      const raw = connection(withCode(code));
      assert.equal(classifySendFailure(raw, "https://api.test/v1"), raw, code);
    }
  });

  it("says nothing was sent for a scheme fetch cannot use, and keeps a timeout or an odd throw as it is", () => {
    const scheme = classifySendFailure(
      connection(Object.assign(new TypeError("fetch failed"), { cause: new Error("unknown scheme") })),
      "ftp://x/v1",
    );
    assert.ok(scheme instanceof NotSentError);
    assert.equal(scheme.message, "nothing was sent: fetch cannot use the scheme of ftp://x/v1");
    assert.equal(isRetryable("cancel", scheme), false);
    const timeout = new APIConnectionTimeoutError();
    assert.equal(classifySendFailure(timeout, "http://x/v1"), timeout);
    const dropped = connection(new Error("other side closed"));
    assert.equal(classifySendFailure(dropped, "http://x/v1"), dropped);
    assert.equal(classifySendFailure("a string", "http://x/v1"), "a string");
    const built = classifySendFailure(new RangeError("Invalid array length"), "http://x/v1");
    assert.ok(built instanceof NotSentError);
    assert.equal(built.message, "nothing was sent: the request could not be built: Invalid array length");
    assert.equal(isRetryable("cancel", built), false);
    const typed = classifySendFailure(new TypeError("body.map is not a function"), "http://x/v1");
    assert.equal(
      (typed as Error).message,
      "nothing was sent: the request could not be built: body.map is not a function",
    );
  });

  it("ends on a cause chain that loops back on itself", () => {
    const looped = Object.assign(new Error("loop"), { cause: undefined as unknown });
    looped.cause = looped;
    const raw = connection(looped);
    assert.equal(classifySendFailure(raw, "http://x/v1"), raw);
  });

  it("never retries an unusable session, and retries a cancel after any failure without a status", () => {
    const unusable = new UnusableSessionError("cksess_1", "its client_secret is empty", true);
    assert.equal(isRetryable("create", unusable), false);
    assert.equal(isRetryable("cancel", new AttemptTimedOutError(1000, false)), true);
    assert.equal(isRetryable("cancel", new NotSentError("refused", true)), true);
  });

  it("takes a status line of 400 to 499 as proof that nothing was created, even when its body never came", () => {
    for (const status of [400, 404, 499])
      assert.equal(mayHaveCreated(new AttemptTimedOutError(1, true, status)), false);
    for (const status of [200, 399, 500, 503])
      assert.equal(mayHaveCreated(new AttemptTimedOutError(1, true, status)), true);
    assert.equal(mayHaveCreated(apiError(499)), false);
    assert.equal(mayHaveCreated(apiError(500)), true);
  });

  it("says how far an attempt got when it ran out of time", () => {
    assert.equal(new AttemptTimedOutError(1500, false).message, "no answer within 1.5 s");
    assert.equal(
      new AttemptTimedOutError(250, true).message,
      "the answer did not finish arriving within 0.25 s (the API had started answering)",
    );
    assert.equal(
      new AttemptTimedOutError(30_000, true, 502).message,
      "the answer started (HTTP 502) and did not finish within 30 s",
    );
    assert.equal(formatSeconds(1234.5678), "1.235 s");
  });

  it("explains an interrupted answer by its causes, each once, with their codes", () => {
    const cause = Object.assign(new TypeError("terminated"), {
      cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }),
    });
    assert.equal(
      new AnswerInterruptedError(200, cause).message,
      "the connection was closed while the answer (HTTP 200) was arriving, so it could not be read (terminated: other side closed UND_ERR_SOCKET)",
    );
    const named = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
    assert.match(new AnswerInterruptedError(500, named).message, /\(HTTP 500\).*\(read ECONNRESET\)$/);
    assert.match(new AnswerInterruptedError(200, "gone").message, /\(gone\)$/);
    // Four causes deep at most: a chain that long says enough.
    let deep: Error = new Error("level 5");
    for (let level = 4; level >= 1; level--) deep = Object.assign(new Error(`level ${level}`), { cause: deep });
    assert.match(new AnswerInterruptedError(200, deep).message, /\(level 1: level 2: level 3: level 4\)$/);
  });

  it("gives each status its own hint", () => {
    const hint = (operation: "create" | "cancel", error: unknown, given = settings, attempts = 1) =>
      new ChatKitApiError(operation, new AttemptsFailed(error, attempts, "failed"), given, Date.UTC(2026, 0, 1)).hint;
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

  it("names the Agent Builder shutdown for each wording that fits, on a create only", () => {
    const after = Date.UTC(2026, 10, 30);
    const hint = (operation: "create" | "cancel", error: APIError) =>
      new ChatKitApiError(operation, new AttemptsFailed(error, 1, "failed"), settings, after).hint ?? "";
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

  it("writes out the parts the API gave, and only those", () => {
    const bare = new ChatKitApiError(
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
    const text = new ChatKitApiError(
      "create",
      new AttemptsFailed(APIError.generate(500, undefined, "upstream failed", new Headers()), 1, "failed"),
      settings,
    );
    assert.match(text.message, /HTTP 500: 500 upstream failed \(request id none\)$/);
    assert.match(String(bare), /^ChatKitApiError: ChatKit session cancel gave up/);
    const plain = new ChatKitApiError(
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
    const coded = new ChatKitApiError(
      "create",
      new AttemptsFailed(apiError(400, { code: "bad_value" }), 1, "failed"),
      settings,
    );
    assert.equal(coded.code, "bad_value");
    assert.equal(coded.type, "invalid_request_error");
    const dropped = new ChatKitApiError(
      "create",
      new AttemptsFailed(connection(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })), 1, "failed"),
      settings,
    );
    assert.match(
      dropped.message,
      /failed after 1 attempt: Connection error\. \(socket hang up ECONNRESET\)\nHint: The connection/,
    );
    const odd = new ChatKitApiError("cancel", new AttemptsFailed("a string", 1, "failed"), settings);
    assert.equal(odd.message, "ChatKit session cancel failed after 1 attempt: a string");
    assert.equal(odd.hint, undefined);
  });

  it("keeps at most 4,096 characters of each part the API sent, whatever its type", () => {
    const long = "q".repeat(100_000);
    const raw = apiError(400, { message: long, type: long, param: { odd: true }, code: 7 });
    const error = new ChatKitApiError("create", new AttemptsFailed(raw, 1, "failed"), settings);
    assert.match(
      error.message,
      /^ChatKit session create failed after 1 attempt: HTTP 400 q{4096}… \(truncated, 100000 characters in all\) \(param \[object Object\]\) \[7\]: q{4096}… \(truncated, 100000 characters in all\) \(request id req_123\)$/,
    );
    assert.equal(error.type, `${"q".repeat(4096)}… (truncated, 100000 characters in all)`);
  });

  it("keeps the key out of the hint too, even a key pasted into the organization", () => {
    const key = "custom-key-0123456789abcdef";
    const pasted = resolveSettings({ apiKey: key, organization: key }, {});
    const error = new ChatKitApiError(
      "create",
      new AttemptsFailed(apiError(404, { message: "Workflow not found." }), 1, "failed"),
      pasted,
      Date.UTC(2026, 0, 1),
    );
    assert.match(error.hint ?? "", /organization \(fingerprint [0-9a-f]{8}\), project/);
    assert.ok(!error.message.includes(key) && !(error.hint ?? "").includes(key));
  });

  it("redacts a secret wherever and however often it appears, and leaves short or absent ones alone", () => {
    const secret = "cs_0123456789abcdefghij";
    assert.equal(redact(`a ${secret} b ${secret}`, [secret]), "a [redacted] b [redacted]");
    assert.equal(redact(`${secret}${secret}`, [secret]), "[redacted]");
    assert.equal(redact("fragment 3456789abcde here", [secret]), "fragment [redacted] here");
    assert.equal(redact("short 123456789 here", [secret]), "short 123456789 here");
    assert.equal(redact("key abcdefgh seen", ["abcdefgh"]), "key [redacted] seen");
    assert.equal(redact("key abcdefg seen abcdef", ["abcdefg"]), "key [redacted] seen abcdef");
    assert.equal(redact("abc and abcd", ["abc"]), "abc and abcd");
    assert.equal(redact("plain text", ["", "zzzz"]), "plain text");
    assert.equal(redact("abcdefgh first", ["abcdefgh"]), "[redacted] first");
    assert.equal(redact("code abcd here", ["abcd"]), "code [redacted] here");
    assert.equal(redact("ends with 3456789abcde", [secret]), "ends with [redacted]");
    // Ten characters after a known prefix are a fragment already.
    assert.equal(redact("tail 0123456789", ["sk-0123456789"]), "tail [redacted]");
    // A prefix counts only at the start: a secret that merely holds sk_ is cut into fragments whole.
    assert.equal(redact("seen m-sk_live_0 here", ["team-sk_live_0123456789"]), "seen [redacted] here");
    // Only a run of four stars or more is a masked key.
    assert.equal(redact("5 * 3 and a**b and ***", []), "5 * 3 and a**b and ***");
  });
});
