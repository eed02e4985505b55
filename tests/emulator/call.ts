import { TEST_API_KEY } from "../helpers/emulator";

/** What the emulator's tests send and read: one HTTP call, its status, headers, text and JSON. */

export const HEADERS = {
  authorization: `Bearer ${TEST_API_KEY}`,
  "openai-beta": "chatkit_beta=v1",
  "content-type": "application/json",
};

export interface Answer {
  status: number;
  headers: Headers;
  json: any;
  text: string;
}

export async function call(
  url: string,
  method: string,
  body?: unknown,
  headers: Record<string, string> = HEADERS,
): Promise<Answer> {
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

/** The emulator's root (its URL without /v1). */
export const rootOf = (url: string) => url.replace(/\/v1$/, "");
