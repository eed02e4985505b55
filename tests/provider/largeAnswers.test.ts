import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import { promisify } from "node:util";
import { KEPT_CHARACTERS } from "../../provider/redaction";
import { TEST_API_KEY, useEmulator } from "../helpers/emulator";
import { errorJson, type ScriptedAnswer, startScripted } from "../helpers/scripted";

const BUDGET_SECONDS = 3;
const LIFECYCLE = path.join(__dirname, "..", "..", "provider", "lifecycle.js");

/**
 * Runs one create or delete in a process of its own, against `baseUrl`, with a retry budget of
 * BUDGET_SECONDS, and gives how long it took and what it ended with. Its own process, so that an
 * operation that blocks its thread is stopped by a timeout here rather than stalling the test run.
 */
async function timedOperation(
  operation: "create" | "delete",
  baseUrl: string,
  workflowId = "wf_large",
): Promise<{ ms: number; message: string }> {
  const script = `
    const { operation, baseUrl, key, budget, workflowId } = JSON.parse(process.env.LARGE_ANSWER_RUN);
    const { SessionProvider } = require(${JSON.stringify(LIFECYCLE)});
    const provider = new SessionProvider({
      env: { OPENAI_API_KEY: key, OPENAI_BASE_URL: baseUrl },
      warn: () => {},
    });
    const config = { "chatkit:retryBudgetSeconds": String(budget) };
    provider.configure({ config: { get: (name) => config[name] } }).then(async () => {
      const started = Date.now();
      const run = operation === "create"
        ? provider.create({ user: "u", workflow: { id: workflowId } })
        : provider.delete("cksess_large", {});
      const message = await run.then(() => "resolved", (error) => error.message);
      process.stdout.write(JSON.stringify({ ms: Date.now() - started, message }));
    });`;
  const run = { operation, baseUrl, key: TEST_API_KEY, budget: BUDGET_SECONDS, workflowId };
  const stopAfterSeconds = BUDGET_SECONDS + 20;
  const { stdout } = await promisify(execFile)(process.execPath, ["-e", script], {
    env: { ...process.env, LARGE_ANSWER_RUN: JSON.stringify(run) },
    timeout: stopAfterSeconds * 1000,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error: { killed?: boolean; stderr?: string }) =>
    assert.fail(
      error.killed
        ? `the ${operation} had not ended after ${stopAfterSeconds} s, and was stopped`
        : `the ${operation} failed to run: ${error.stderr}`,
    ),
  );
  return JSON.parse(stdout);
}

const html = (length: number) => {
  // Markup without whitespace: one long word, the worst case for a pattern that backtracks.
  const row = "<tr><td>502</td><td>Bad&nbsp;Gateway</td></tr>";
  return `<html><body><table>${row.repeat(Math.ceil(length / row.length))}</table></body></html>`;
};
const token = (length: number) => randomBytes(length).toString("base64url").slice(0, length);

const SIZES: Array<[string, number]> = [
  ["48 KB", 48 * 1024],
  ["150 KB", 150 * 1024],
  ["1 MB", 1024 * 1024],
];

describe("large error answers end within the retry budget", function () {
  this.timeout(60_000);
  const ctx = useEmulator();

  function assertBounded(result: { ms: number; message: string }, answerLength: number) {
    assert.ok(
      result.ms <= BUDGET_SECONDS * 1000 + 1000,
      `took ${result.ms} ms, more than the ${BUDGET_SECONDS} s budget and a second`,
    );
    assert.match(result.message, /\(truncated, \d+ characters in all\)/);
    // What is kept of the answer, plus the provider's own sentences.
    assert.ok(result.message.length < KEPT_CHARACTERS + 2000, `${result.message.length} characters`);
    assert.ok(result.message.length < answerLength);
  }

  for (const [label, size] of SIZES) {
    const cases: Array<[string, "create" | "delete", ScriptedAnswer]> = [
      [
        `a create answered 502 with a ${label} HTML page`,
        "create",
        { status: 502, body: html(size), headers: { "content-type": "text/html" } },
      ],
      [
        `a create answered 400 with a ${label} token as its message`,
        "create",
        { status: 400, body: errorJson(token(size)) },
      ],
      [
        `a cancel answered 500 with a ${label} message, retried`,
        "delete",
        { status: 500, body: errorJson(html(size)) },
      ],
    ];
    for (const [title, operation, answer] of cases) {
      it(title, async () => {
        const server = await startScripted(() => answer);
        try {
          assertBounded(await timedOperation(operation, server.url), answer.body?.length ?? 0);
        } finally {
          await server.close();
        }
      });
    }
  }

  it("a create refused by the emulator's 404 quoting a 40,000-character workflow.id", async () => {
    const id = `missing_${"w".repeat(40_000)}`;
    const result = await timedOperation("create", ctx.emulator.url, id);
    assertBounded(result, id.length);
    assert.match(result.message, /HTTP 404/);
    // The id was sent, so it is a secret as far as the provider knows: not even a part is shown.
    assert.ok(!result.message.includes("w".repeat(10)), result.message);
  });
});
