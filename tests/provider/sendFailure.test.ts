import * as assert from "node:assert/strict";
import { APIConnectionError, APIConnectionTimeoutError } from "openai";
import { NotSentError } from "../../provider/errors";
import { isRetryable, mayHaveCreated } from "../../provider/retry";
import { classifySendFailure } from "../../provider/sendFailure";
import { connection, withCode } from "../helpers/failures";

describe("sendFailure: what the SDK threw, read as sent or not", () => {
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
});
