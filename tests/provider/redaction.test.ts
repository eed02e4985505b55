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

describe("redaction", () => {
  it("leaves no run of ten characters of any secret, whatever surrounds the secrets and however often they come", () => {
    // A piece of the text: filler (spaces, stars and brackets included), or a run of a secret.
    const piece = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom(" ", "****", "***", "sk-", "[redacted]", "\n"),
      fc.record({ secret: fc.nat(), from: fc.nat(), length: fc.nat() }),
    );
    fc.assert(
      fc.property(
        fc.array(secretText(), { minLength: 1, maxLength: 3 }),
        fc.array(piece, { maxLength: 20 }),
        (secrets, pieces) => {
          const text = pieces
            .map((part) => {
              if (typeof part === "string") return part;
              const secret = secrets[part.secret % secrets.length] as string;
              const from = part.from % (secret.length - 9);
              return secret.slice(from, from + 10 + (part.length % (secret.length - 9 - from)));
            })
            .join("");
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

  it("costs time in proportion to the text: 1 MB takes about 16 times what 64 KB takes", async () => {
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
      const small = text(64 * 1024);
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
    // Linear is 16 times; a cost growing with the square of the length would be 256 times. The
    // margin is for a busy machine, where a short run's minimum is the noisier one.
    assert.ok(largeMs / smallMs < 96, `64 KB: ${smallMs.toFixed(1)} ms, 1 MB: ${largeMs.toFixed(1)} ms`);
  });

  it("keeps the first 4,096 characters of an answer's text and says how long it was", () => {
    assert.equal(kept("short"), "short");
    assert.equal(kept("x".repeat(KEPT_CHARACTERS)), "x".repeat(KEPT_CHARACTERS));
    assert.equal(
      kept("y".repeat(KEPT_CHARACTERS + 1)),
      `${"y".repeat(KEPT_CHARACTERS)}… (truncated, ${KEPT_CHARACTERS + 1} characters in all)`,
    );
    // Never half of a character written as a surrogate pair.
    const cut = kept(`${"z".repeat(KEPT_CHARACTERS - 1)}😀😀`);
    assert.ok(cut.startsWith(`${"z".repeat(KEPT_CHARACTERS - 1)}… (truncated`), cut.slice(KEPT_CHARACTERS - 2));
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
});
