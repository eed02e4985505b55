import { createHash } from "node:crypto";

/**
 * What error texts may show: known secrets and anything shaped like a key removed, the API's own
 * text kept to a bounded length, and settings shown without their values. Every step is one pass
 * over the text (or the secret), so that an error is explained within the time an operation may
 * take, whatever the API answered.
 */

/** Known prefixes of OpenAI keys and client secrets; a fragment may come without them. */
const SECRET_PREFIX = /^(sk|ek)[-_]((proj|svcacct|admin)[-_])?/;
/** A run this long of a known secret is never shown, wherever it starts. */
const FRAGMENT_LENGTH = 10;

/** Multiplier of the rolling hash below; any odd number spreads the characters well enough. */
const HASH_BASE = 257;
/** HASH_BASE to the power FRAGMENT_LENGTH - 1, in the same 32-bit arithmetic as the hash. */
const HASH_HIGHEST = Array.from({ length: FRAGMENT_LENGTH - 1 }).reduce<number>(
  (power) => Math.imul(power, HASH_BASE),
  1,
);

/** The hash of the FRAGMENT_LENGTH characters of `source` from `from` on. */
function hashAt(source: string, from: number): number {
  let hash = 0;
  for (let i = from; i < from + FRAGMENT_LENGTH; i++) hash = (Math.imul(hash, HASH_BASE) + source.charCodeAt(i)) | 0;
  return hash;
}

/** The hash of the run one character further on than the run at `from`, whose hash is `hash`. */
function rolled(source: string, from: number, hash: number): number {
  const leaving = Math.imul(source.charCodeAt(from), HASH_HIGHEST);
  return (Math.imul((hash - leaving) | 0, HASH_BASE) + source.charCodeAt(from + FRAGMENT_LENGTH)) | 0;
}

/**
 * Where `text` holds a run of FRAGMENT_LENGTH characters that also occurs in `secret`. The text's
 * runs are indexed by a rolling hash, then the secret is passed over once: the cost grows with the
 * two lengths added, not multiplied (a string state variable may be 10 MiB). A run of the text
 * leaves the index once it is found, so repeated runs are compared once, not once per repeat.
 */
function runsFoundIn(text: string, secret: string): number[] {
  if (text.length < FRAGMENT_LENGTH || secret.length < FRAGMENT_LENGTH) return [];
  const textRuns = new Map<number, number[]>();
  for (let at = 0, hash = hashAt(text, 0); ; hash = rolled(text, at, hash), at++) {
    const starts = textRuns.get(hash);
    if (starts) starts.push(at);
    else textRuns.set(hash, [at]);
    if (at + FRAGMENT_LENGTH >= text.length) break;
  }
  const found: number[] = [];
  for (let from = 0, hash = hashAt(secret, 0); textRuns.size > 0; hash = rolled(secret, from, hash), from++) {
    const starts = textRuns.get(hash);
    if (starts) {
      const run = secret.slice(from, from + FRAGMENT_LENGTH);
      // Starts whose run only shares the hash stay for a later run of the secret.
      const left: number[] = [];
      for (const at of starts) (text.startsWith(run, at) ? found : left).push(at);
      if (left.length > 0) textRuns.set(hash, left);
      else textRuns.delete(hash);
    }
    if (from + FRAGMENT_LENGTH >= secret.length) break;
  }
  return found;
}

/**
 * Every place `pattern` starts in `text`, overlapping ones included. Knuth–Morris–Pratt, so one
 * pass whatever repeats in either: searching again from each find costs the pattern's length per
 * find when the text repeats it.
 */
function occurrences(text: string, pattern: string): number[] {
  if (pattern.length > text.length) return [];
  /** border[i]: the length of the longest proper prefix of pattern[0..i] that also ends it. */
  const border = new Int32Array(pattern.length);
  for (let i = 1, k = 0; i < pattern.length; i++) {
    while (k > 0 && pattern.charCodeAt(i) !== pattern.charCodeAt(k)) k = border[k - 1] as number;
    if (pattern.charCodeAt(i) === pattern.charCodeAt(k)) k++;
    border[i] = k;
  }
  const found: number[] = [];
  for (let i = 0, k = 0; i < text.length; i++) {
    while (k > 0 && text.charCodeAt(i) !== pattern.charCodeAt(k)) k = border[k - 1] as number;
    if (text.charCodeAt(i) === pattern.charCodeAt(k)) k++;
    if (k === pattern.length) {
      found.push(i - k + 1);
      k = border[k - 1] as number;
    }
  }
  return found;
}

/** Removes anything that looks like an API key or a client secret from text we pass on. */
export function redact(text: string, secrets: readonly string[]): string {
  // +1 where a covered stretch starts, -1 where it ends: overlapping stretches cost nothing more.
  const edges = new Int32Array(text.length + 1);
  const cover = (from: number, length: number) => {
    edges[from] = (edges[from] as number) + 1;
    edges[from + length] = (edges[from + length] as number) - 1;
  };
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    for (const at of occurrences(text, secret)) cover(at, secret.length);
    for (const at of runsFoundIn(text, secret.replace(SECRET_PREFIX, ""))) cover(at, FRAGMENT_LENGTH);
  }
  let result = "";
  let depth = 0;
  let shownFrom = 0;
  for (let i = 0; i < text.length; i++) {
    const wasCovered = depth > 0;
    depth += edges[i] as number;
    if (!wasCovered && depth > 0) result += `${text.slice(shownFrom, i)}[redacted]`;
    if (wasCovered && depth === 0) shownFrom = i;
  }
  if (depth === 0) result += text.slice(shownFrom);
  // Anything shaped like a key or client secret, even glued to a word (token_ek_…), and OpenAI's
  // masked fragments of a key ("sk-pro********abcd", or without the prefix): a word holding four
  // stars or more. Words are taken whole by \S+, which never backtracks.
  return result
    .replace(/(?<![A-Za-z0-9])(sk|ek)[-_][A-Za-z0-9*_\-.]{4,}/g, "$1-[redacted]")
    .replace(/\S+/g, (word) => (word.includes("****") ? "[redacted]" : word));
}

/**
 * How much of each text the API sent (a message, a body, an id) an error keeps. The API's own
 * messages are a sentence or two; a gateway's HTML page or an echoed megabyte adds nothing to
 * act on, and every character kept is scanned by redact.
 */
export const KEPT_CHARACTERS = 4096;

/** The text, or its first KEPT_CHARACTERS and how long it was. */
export function kept(text: string): string {
  if (text.length <= KEPT_CHARACTERS) return text;
  // Never half of a surrogate pair at the cut.
  const end = /[\uD800-\uDBFF]/.test(text.charAt(KEPT_CHARACTERS - 1)) ? KEPT_CHARACTERS - 1 : KEPT_CHARACTERS;
  return `${text.slice(0, end)}… (truncated, ${text.length} characters in all)`;
}

/**
 * The first 8 hex digits of a value's SHA-256: tells two values apart in a message without
 * showing either (any setting may have been set with --secret, and the provider cannot tell).
 */
export function fingerprint(value: string): string {
  return createHash("sha256").update(value).digest("hex").slice(0, 8);
}

/**
 * A base URL as messages show it: its scheme and host, and its path only when that is the API's
 * own /v1. A proxy may take a token in the path (user names, passwords and queries are refused by
 * the settings, and never shown either); the fingerprint tells such URLs apart.
 */
export function shownUrl(url: string): string {
  try {
    const { protocol, host, pathname } = new URL(url);
    if (pathname === "/v1" || pathname === "/") return `${protocol}//${host}${pathname}`;
    return `${protocol}//${host} (path not shown, fingerprint ${fingerprint(url)})`;
  } catch {
    return `a URL that cannot be read (fingerprint ${fingerprint(url)})`;
  }
}

/** An organization or project as messages show it: by fingerprint, never its value. */
export function shownId(value: string | undefined): string {
  return value === undefined ? "the key's default" : `fingerprint ${fingerprint(value)}`;
}
