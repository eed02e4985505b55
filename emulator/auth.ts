import type { IncomingMessage } from "node:http";
import type { ApiErrorBody } from "./validate";

/** API-key authentication and the ChatKit beta header, with the API's error texts. */

export type AuthResult = { key: string } | { error: ApiErrorBody; status: number };

export function bearerOf(req: IncomingMessage): string {
  const header = req.headers.authorization ?? "";
  return header.startsWith("Bearer ") ? header.slice(7).trim() : "";
}

/** Accepts the keys given, or by default any key starting with "sk-". */
export function authenticate(req: IncomingMessage, apiKeys: string[] | undefined): AuthResult {
  const key = bearerOf(req);
  if (!key) {
    return {
      status: 401,
      error: {
        message:
          "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        type: "invalid_request_error",
        param: null,
        code: null,
      },
    };
  }
  const accepted = apiKeys ? apiKeys.includes(key) : key.startsWith("sk-");
  if (!accepted) {
    const masked = key.length > 8 ? `${key.slice(0, 3)}********${key.slice(-4)}` : "********";
    return {
      status: 401,
      error: {
        message: `Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        type: "invalid_request_error",
        param: null,
        code: "invalid_api_key",
      },
    };
  }
  return { key };
}

/** The 400 for a request without `OpenAI-Beta: chatkit_beta=v1`, or undefined when it is there. */
export function missingBetaHeader(req: IncomingMessage): ApiErrorBody | undefined {
  const parts = String(req.headers["openai-beta"] ?? "")
    .split(",")
    .map((part) => part.trim());
  if (parts.includes("chatkit_beta=v1")) return undefined;
  return {
    message: "You must provide the 'OpenAI-Beta' header with the value 'chatkit_beta=v1' to use the ChatKit API.",
    type: "invalid_request_error",
    param: null,
    code: "missing_beta_header",
  };
}
