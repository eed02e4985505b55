import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import * as fc from "fast-check";
import { fingerprint, KEPT_CHARACTERS, kept, redact, shownId, shownUrl } from "../../provider/redaction";

const alphanumeric = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
const secretText = (minLength = 10) => fc.string({ unit: alphanumeric, minLength, maxLength: 60 });

/** The first run of ten characters of `value` that `text` shows, if any. */
function shownRun(text: string, value: string): string | undefined {
  for (let at = 0; at + 10 <= value.length; at++) {
    const run = value.slice(at, at + 10);
    if (text.includes(run)) return run;
  }
  return undefined;
}

/** Where a piece of a test's text comes from one of its secrets: which, from where, how long. */
const stretch = fc.record({ secret: fc.nat(), from: fc.nat(), length: fc.nat() });

/** The text that pieces make: text as it is, and stretches of the secrets `shortest` characters long or more. */
function textOf(
  pieces: ReadonlyArray<string | { secret: number; from: number; length: number }>,
  secrets: readonly string[],
  shortest: number,
) {
  return pieces
    .map((part) => {
      if (typeof part === "string") return part;
      const secret = secrets[part.secret % secrets.length] as string;
      const from = part.from % (secret.length - shortest + 1);
      return secret.slice(from, from + shortest + (part.length % (secret.length - shortest + 1 - from)));
    })
    .join("");
}

/**
 * What redact shows, found the slow way from its definition, for text free of key-shaped words: each
 * whole occurrence of a secret of four characters or more, and each run of ten characters of the
 * text that the secret also holds, covered; each stretch of covered characters shown as one
 * "[redacted]".
 */
function shownSlowly(text: string, secrets: readonly string[]): string {
  const covered = Array.from({ length: text.length }, () => false);
  const cover = (from: number, length: number) => covered.fill(true, from, from + length);
  for (const secret of secrets.filter((value) => value.length >= 4)) {
    for (let at = 0; at + secret.length <= text.length; at++) if (text.startsWith(secret, at)) cover(at, secret.length);
    for (let at = 0; at + 10 <= text.length; at++) if (secret.includes(text.slice(at, at + 10))) cover(at, 10);
  }
  let shown = "";
  for (let at = 0; at < text.length; at++) {
    if (!covered[at]) shown += text[at];
    else if (at === 0 || !covered[at - 1]) shown += "[redacted]";
  }
  return shown;
}

describe("redaction", () => {
  it("covers exactly what a secret's occurrences and shared runs of ten cover, no more and no less", () => {
    // Two letters, so that texts and secrets share runs and repeat themselves (the cases where a
    // search that skips ahead can miss or misplace an occurrence); no prefix, star or dash, so
    // only the secrets decide.
    const twoLetters = (maxLength: number) => fc.string({ unit: fc.constantFrom("a", "b"), maxLength });
    const piece = fc.oneof(fc.string({ unit: fc.constantFrom("a", "b", "c", " "), maxLength: 12 }), stretch);
    fc.assert(
      fc.property(
        fc.array(twoLetters(16), { minLength: 1, maxLength: 3 }),
        fc.array(piece, { maxLength: 6 }),
        (secrets, pieces) => {
          const text = textOf(pieces, secrets, 0);
          assert.equal(redact(text, secrets), shownSlowly(text, secrets), JSON.stringify({ text, secrets }));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("tells runs that only share the rolling hash apart from runs that are the same", () => {
    // The module indexes runs of ten by a polynomial hash (base 257, 32 bits). These two runs
    // differ in their last two characters by +1 × 257 and -257 × 1, so their hashes are equal:
    // the secret's first run matches the text's only by hash, its last run matches it truly.
    const run = "xxxxxxxxa\u012c";
    const sameHash = "xxxxxxxxb+";
    assert.equal(redact(`seen ${run} here`, [`${sameHash}${run}`]), "seen [redacted] here");
    assert.equal(redact(`seen ${sameHash} here`, [`zz${run}`]), `seen ${sameHash} here`);
    // A run whose hash is 0, the value a hash reading past the end of a string comes to
    // (charCodeAt gives NaN, and NaN | 0 is 0), so a scan that went one run too far would match it
    // against a secret's last nine characters: a secret ending in its first nine shares no run of
    // ten with it, and nothing of it is hidden.
    const hashZero = "zeacaaaa\u63de\u01fb";
    assert.equal(redact(`seen ${hashZero} here`, [`q${hashZero.slice(0, 9)}`]), `seen ${hashZero} here`);
    // A secret shorter than ten has no run of ten, only its occurrences, though a hash over its
    // first ten would read past its end and come to 0 too, this run's hash: four characters hidden.
    assert.equal(redact(`seen ${hashZero} here`, [hashZero.slice(0, 4)]), `seen [redacted]${hashZero.slice(4)} here`);
  });

  it("leaves no run of ten characters of any secret, whatever surrounds the secrets and however often they come", () => {
    // A piece of the text: filler (spaces, stars and brackets included), or a run of a secret.
    const piece = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom(" ", "****", "***", "sk-", "[redacted]", "\n"),
      stretch,
    );
    fc.assert(
      fc.property(
        fc.array(secretText(), { minLength: 1, maxLength: 3 }),
        fc.array(piece, { maxLength: 20 }),
        (secrets, pieces) => {
          const text = textOf(pieces, secrets, 10);
          const shown = redact(text, secrets);
          for (const secret of secrets) {
            const run = shownRun(shown, secret);
            assert.equal(run, undefined, `${JSON.stringify(shown)} shows ${run}`);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("costs time in proportion to the text: 1 MB takes about 64 times what 16 KB takes", async () => {
    // Text made to be the worst case for each step: no whitespace (one word of a megabyte), a
    // two-letter alphabet (its runs repeat, and those of one secret are in it everywhere), stars
    // in threes (never a masked key). Its own process, so that a slow redaction is stopped by
    // the timeout rather than holding this one; the ratio of two sizes on the same machine,
    // rather than a time, so that a busy machine does not fail it.
    const script = `
      const { redact } = require(${JSON.stringify(path.join(__dirname, "..", "..", "provider", "redaction.js"))});
      const random = require("node:crypto").randomBytes(64).toString("hex");
      const periodic = "ab".repeat(20);
      const secrets = [random, periodic, "sk-proj-" + random.slice(0, 30)];
      const text = (length) => {
        const parts = [];
        for (let size = 0; size < length; ) {
          const pick = Math.random();
          const part = pick < 0.6 ? (Math.random() < 0.5 ? "ab" : "ba").repeat(1 + Math.floor(Math.random() * 20))
            : pick < 0.8 ? "***"
            : pick < 0.9 ? random.slice(0, 10 + Math.floor(Math.random() * 50))
            : "sk-ab";
          parts.push(part);
          size += part.length;
        }
        return parts.join("").slice(0, length);
      };
      const time = (input) => {
        const started = process.hrtime.bigint();
        redact(input, secrets);
        return Number(process.hrtime.bigint() - started) / 1e6;
      };
      const small = text(16 * 1024);
      const large = text(1024 * 1024);
      time(small);
      const smallMs = Math.min(...Array.from({ length: 7 }, () => time(small)));
      const largeMs = Math.min(...Array.from({ length: 5 }, () => time(large)));
      process.stdout.write(JSON.stringify({ smallMs, largeMs }));`;
    const { stdout } = await promisify(execFile)(process.execPath, ["-e", script], { timeout: 30_000 }).catch(
      (error: { killed?: boolean; stderr?: string }) =>
        assert.fail(error.killed ? "redacting 1 MB had not ended after 30 s" : String(error.stderr)),
    );
    const { smallMs, largeMs } = JSON.parse(stdout) as { smallMs: number; largeMs: number };
    // Linear is 64 times; a cost growing with the square of the length would be 4,096 times. The
    // wide margin is for a busy machine, which stretches the long runs more than the short ones
    // (a CI leg beside other legs once measured 103 times for sizes 16 times apart).
    assert.ok(largeMs / smallMs < 512, `16 KB: ${smallMs.toFixed(1)} ms, 1 MB: ${largeMs.toFixed(1)} ms`);
  });

  it("keeps the first 4,096 characters of an answer's text and says how long it was", () => {
    assert.equal(kept("short"), "short");
    assert.equal(kept("x".repeat(KEPT_CHARACTERS)), "x".repeat(KEPT_CHARACTERS));
    assert.equal(
      kept("y".repeat(KEPT_CHARACTERS + 1)),
      `${"y".repeat(KEPT_CHARACTERS)}… (truncated, ${KEPT_CHARACTERS + 1} characters in all)`,
    );
    // Never half of a character written as a surrogate pair; a pair elsewhere changes nothing.
    const cut = kept(`${"z".repeat(KEPT_CHARACTERS - 1)}😀zz`);
    assert.ok(cut.startsWith(`${"z".repeat(KEPT_CHARACTERS - 1)}… (truncated`), cut.slice(KEPT_CHARACTERS - 2));
    const early = kept(`😀${"z".repeat(KEPT_CHARACTERS)}`);
    assert.ok(early.startsWith(`😀${"z".repeat(KEPT_CHARACTERS - 2)}… (truncated`), early.slice(KEPT_CHARACTERS - 2));
  });

  it("shows a base URL as its scheme and host only, and /v1, never a path, query or user that may hold a token", () => {
    assert.equal(shownUrl("https://api.openai.com/v1"), "https://api.openai.com/v1");
    assert.equal(shownUrl("http://127.0.0.1:8787/"), "http://127.0.0.1:8787/");
    const proxied = "https://proxy.test/tenant/v1";
    assert.equal(shownUrl(proxied), `https://proxy.test (path not shown, fingerprint ${fingerprint(proxied)})`);
    assert.match(shownUrl("not a url"), /^a URL that cannot be read \(fingerprint [0-9a-f]{8}\)$/);
    fc.assert(
      fc.property(secretText(), secretText(), secretText(), (inPath, inQuery, inUser) => {
        for (const url of [
          `https://proxy.test/${inPath}/v1`,
          `http://127.0.0.1:9/${inPath}`,
          `https://proxy.test/v1?token=${inQuery}`,
          `https://user:${inUser}@proxy.test/v1`,
          `https://proxy.test/v1#${inQuery}`,
        ]) {
          const shown = shownUrl(url);
          assert.match(shown, /^https?:\/\/(proxy\.test|127\.0\.0\.1:9)/);
          for (const value of [inPath, inQuery, inUser]) assert.equal(shownRun(shown, value), undefined, shown);
        }
      }),
    );
  });

  it("shows an organization or project by fingerprint, never its value", () => {
    assert.equal(shownId(undefined), "the key's default");
    assert.equal(shownId("proj_123"), `fingerprint ${fingerprint("proj_123")}`);
    assert.match(fingerprint("proj_123"), /^[0-9a-f]{8}$/);
    assert.notEqual(fingerprint("proj_123"), fingerprint("proj_124"));
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
    // The prefix is not part of a secret's runs: another key with the same start is a key, hidden whole.
    assert.equal(redact("other sk-abcdefgXYZ", ["sk-abcdefghijklmn"]), "other sk-[redacted]");
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
    // A short secret that overlaps itself: found after a false start, and where two occurrences share characters.
    assert.equal(redact("ababaa", ["abaa"]), "ab[redacted]");
    assert.equal(redact("abaabaa", ["abaa"]), "[redacted]");
    assert.equal(redact("ends with 3456789abcde", [secret]), "ends with [redacted]");
    // Ten characters after a known prefix are a fragment already.
    assert.equal(redact("tail 0123456789", ["sk-0123456789"]), "tail [redacted]");
    // A prefix counts only at the start: a secret that merely holds sk_ is cut into fragments whole.
    assert.equal(redact("seen m-sk_live_0 here", ["team-sk_live_0123456789"]), "seen [redacted] here");
    // Only a run of four stars or more is a masked key.
    assert.equal(redact("5 * 3 and a**b and ***", []), "5 * 3 and a**b and ***");
  });
});
