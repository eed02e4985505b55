import { APIConnectionError, APIError } from "openai";

/** Failures as the SDK reports them, for tests of what the provider makes of them. */

/** An API error answer with a request id, its body's error fields overridable. */
export const apiError = (status: number, body: Record<string, unknown> = {}) =>
  APIError.generate(
    status,
    { error: { message: "boom", type: "invalid_request_error", param: null, code: null, ...body } },
    undefined,
    new Headers({ "x-request-id": "req_123" }),
  );

/** A connection failure caused by `cause`. */
export const connection = (cause: unknown) => new APIConnectionError({ cause: cause as Error });

/** An error carrying a system code, as Node and undici report one. */
export const withCode = (code: string, message = "connect failed") => Object.assign(new Error(message), { code });

/** A connection refused: nothing was sent. */
export const refused = () => connection(withCode("ECONNREFUSED", "connect"));
