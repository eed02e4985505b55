import type { IncomingMessage } from "node:http";
import { type ApiError, incorrectApiKey, missingBetaHeader, noApiKey } from "./errors";

/** API-key authentication and the ChatKit beta header. */

export type AuthResult = { key: string } | ApiError;

export function bearerOf(req: IncomingMessage): string {
  const header = req.headers.authorization ?? "";
  return header.startsWith("Bearer ") ? header.slice(7).trim() : "";
}

/** Accepts the keys given, or by default any key starting with "sk-". */
export function authenticate(req: IncomingMessage, apiKeys: string[] | undefined): AuthResult {
  const key = bearerOf(req);
  if (!key) return noApiKey();
  const accepted = apiKeys ? apiKeys.includes(key) : key.startsWith("sk-");
  if (!accepted) return incorrectApiKey(key.length > 8 ? `${key.slice(0, 3)}********${key.slice(-4)}` : "********");
  return { key };
}

/** The 400 for a request without `OpenAI-Beta: chatkit_beta=v1`, or undefined when it is there. */
export function betaHeaderProblem(req: IncomingMessage): ApiError | undefined {
  const parts = String(req.headers["openai-beta"] ?? "")
    .split(",")
    .map((part) => part.trim());
  return parts.includes("chatkit_beta=v1") ? undefined : missingBetaHeader();
}
