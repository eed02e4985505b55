import { createHash } from "node:crypto";
import OpenAI from "openai";
import type { ResolvedSettings } from "./settings";

/** One client per configuration, reused across resources (keeps connections warm). */
const clients = new Map<string, OpenAI>();

/** The last key seen and its digest: hashing on every call would cost more than the rest of the lookup. */
let lastKey: { apiKey: string; digest: string } | undefined;

function cacheKey(settings: ResolvedSettings): string {
  // The key is hashed so that the cache never holds it as plain text in a map key.
  if (lastKey?.apiKey !== settings.apiKey) {
    lastKey = { apiKey: settings.apiKey, digest: createHash("sha256").update(settings.apiKey).digest("hex") };
  }
  return JSON.stringify([
    lastKey.digest,
    settings.baseURL,
    settings.organization,
    settings.project,
    settings.timeoutMs,
  ]);
}

export function clientFor(settings: ResolvedSettings): OpenAI {
  const key = cacheKey(settings);
  let client = clients.get(key);
  if (!client) {
    client = new OpenAI({
      apiKey: settings.apiKey,
      baseURL: settings.baseURL,
      organization: settings.organization ?? null,
      project: settings.project ?? null,
      timeout: settings.timeoutMs,
      // Retries are the provider's own (see retry.ts): a create must not be retried when the
      // server may already have acted, which the SDK's policy cannot tell apart.
      maxRetries: 0,
    });
    clients.set(key, client);
  }
  return client;
}
