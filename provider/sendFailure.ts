import { APIConnectionError, APIConnectionTimeoutError, APIError } from "openai";
import { connectionCode, innermostMessage } from "./causes";
import { NotSentError } from "./errors";
import { shownUrl } from "./redaction";

/** Connection failures that happen before a byte of the request is written. */
const UNSENT_CODES: Record<string, string> = {
  ECONNREFUSED: "the connection was refused",
  ENOTFOUND: "the host name did not resolve",
  EAI_AGAIN: "the host name could not be resolved for now",
  EHOSTUNREACH: "the host is unreachable",
  ENETUNREACH: "the network is unreachable",
};

/**
 * What the SDK threw when an attempt did not get an answer, turned into NotSentError where the
 * request cannot have left this machine. Anything else is left as it is: it may have been sent.
 */
export function classifySendFailure(error: unknown, baseURL: string): unknown {
  if (error instanceof APIError && !(error instanceof APIConnectionError)) return error;
  if (error instanceof APIConnectionTimeoutError) return error;
  if (error instanceof APIConnectionError) {
    const code = connectionCode(error);
    if (code && code in UNSENT_CODES) return new NotSentError(`${UNSENT_CODES[code]} (${code})`, true);
    if (code && /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|EPROTO$)/.test(code)) {
      // The TLS handshake comes before the request: it failed, so nothing was written.
      return new NotSentError(
        `the TLS handshake with ${shownUrl(baseURL)} failed (${code}): check that the address is right (http or https) and that its certificate is trusted`,
        false,
      );
    }
    const inner = innermostMessage(error);
    if (inner === "bad port") {
      return new NotSentError(
        `fetch refuses to connect to the port of ${shownUrl(baseURL)} (a port reserved for other protocols, such as 6000)`,
        false,
      );
    }
    if (inner === "unknown scheme")
      return new NotSentError(`fetch cannot use the scheme of ${shownUrl(baseURL)}`, false);
    return error;
  }
  // Everything else was thrown while building the request, before fetch was called.
  if (error instanceof RangeError && /string length/i.test(error.message)) {
    return new NotSentError("the request body is too large to serialize as JSON", false);
  }
  if (error instanceof TypeError && /ByteString|header/i.test(error.message)) {
    return new NotSentError(
      // Not the runtime's message: it may quote the header's value.
      "a request header holds a character that HTTP headers cannot carry (check the API key, chatkit:organization and chatkit:project; the value is not shown here)",
      false,
    );
  }
  if (error instanceof Error) return new NotSentError(`the request could not be built: ${error.message}`, false);
  return error;
}
