import * as assert from "node:assert/strict";
import * as http from "node:http";
import { startEmulator } from "../../emulator/server";
import { TEST_API_KEY, useEmulator } from "../helpers/emulator";
import { call, HEADERS, rootOf } from "./call";

/**
 * What the emulator records of each request (its `requests`, the page's list) and the line it
 * logs for each: what a test or a teacher reads to see what a client did.
 */
describe("the emulator's record of requests", () => {
  const lines: string[] = [];
  const ctx = useEmulator({ log: (line) => lines.push(line), maxBodyBytes: 1000 });
  const sessions = () => `${ctx.emulator.url}/chatkit/sessions`;
  const last = () => ctx.emulator.requests.at(-1);
  afterEach(() => ctx.emulator.clearFaults());

  it("records each API request: id, method, path without query, status, headers and body", async () => {
    const before = ctx.emulator.nowSeconds() * 1000;
    const answer = await call(`${sessions()}?trace=1`, "POST", { user: "rec", workflow: { id: "wf_1" } });
    const record = last();
    assert.equal(record?.requestId, answer.headers.get("x-request-id"));
    assert.match(record?.requestId ?? "", /^req_[0-9a-f]{24}$/);
    assert.equal(record?.method, "POST");
    assert.equal(record?.path, "/v1/chatkit/sessions");
    assert.equal(record?.status, 200);
    assert.deepEqual(record?.body, { user: "rec", workflow: { id: "wf_1" } });
    assert.equal(record?.headers["openai-beta"], "chatkit_beta=v1");
    assert.equal(record?.headers.authorization, undefined);
    assert.ok((record?.at ?? 0) >= Math.floor(before) && (record?.at ?? 0) <= ctx.emulator.nowSeconds() * 1000);
    assert.equal(record?.error, undefined);
    assert.equal(record?.dropped, undefined);
  });

  it("logs one line per answer: method, path, status and request id", async () => {
    lines.length = 0;
    const answer = await call(sessions(), "POST", { user: "u", workflow: { id: "wf_1" } });
    assert.deepEqual(lines, [`POST /v1/chatkit/sessions 200 ${answer.headers.get("x-request-id")}`]);
    lines.length = 0;
    ctx.emulator.inject({ kind: "drop" });
    await assert.rejects(call(sessions(), "POST", { user: "u", workflow: { id: "wf_1" } }));
    const dropped = last();
    assert.equal(dropped?.dropped, true);
    assert.equal(dropped?.fault, "drop");
    assert.equal(dropped?.status, undefined);
    assert.deepEqual(lines, [`POST /v1/chatkit/sessions dropped ${dropped?.requestId}`]);
  });

  it("records an error's type and message, but of a wrong key's 401 no part of the key", async () => {
    await call(sessions(), "POST", { user: "", workflow: { id: "wf_1" } });
    assert.deepEqual(last()?.error, {
      type: "invalid_request_error",
      message:
        "Invalid 'user': empty string. Expected a string with minimum length 1, but got an empty string instead.",
    });
    const key = "xx-wrong-key-abcdefgh";
    const refused = await call(sessions(), "POST", {}, { ...HEADERS, authorization: `Bearer ${key}` });
    assert.match(refused.json.error.message, /xx-\*{8}efgh/, "the client is shown the masked key");
    assert.deepEqual(last()?.error, { type: "invalid_request_error", message: "Incorrect API key provided." });
    assert.ok(!JSON.stringify(last()).includes("efgh"));
  });

  it("records the assumptions that shaped an answer", async () => {
    const { "openai-beta": _beta, ...noBeta } = HEADERS;
    await call(sessions(), "POST", { user: "u", workflow: { id: "wf_1" } }, noBeta);
    assert.deepEqual(last()?.assumptions, ["beta-header-required"]);
    const { json: session } = await call(sessions(), "POST", { user: "u", workflow: { id: "wf_1" } });
    await call(`${sessions()}/${session.id}/cancel`, "POST");
    await call(`${sessions()}/${session.id}/cancel`, "POST");
    assert.deepEqual(last()?.assumptions, ["cancel-not-active"]);
    await call(`${ctx.emulator.url}/chatkit/threads`, "GET", undefined, {
      authorization: `Bearer ${TEST_API_KEY}`,
    });
    assert.deepEqual(last()?.assumptions, ["threads-not-emulated"]);
  });

  it("answers a body that is not JSON with the content type of JSON and keeps its text", async () => {
    ctx.emulator.inject({ kind: "notJsonAfterActing" });
    const answer = await call(sessions(), "POST", { user: "u", workflow: { id: "wf_1" } });
    assert.equal(answer.text, "<html>502 Bad Gateway</html>");
    assert.equal(answer.headers.get("content-type"), "application/json");
    assert.match(answer.headers.get("x-request-id") ?? "", /^req_/);
    assert.equal(last()?.fault, "notJsonAfterActing");
    await call(sessions(), "POST", "{not json");
    assert.equal(last()?.body, "{not json");
    await call(sessions(), "POST");
    assert.equal(last()?.body, undefined);
  });

  it("answers a body above its limit with 413, recording the request but not its body", async () => {
    lines.length = 0;
    const answer = await call(sessions(), "POST", `{"user": "${"x".repeat(1000)}"}`);
    assert.equal(answer.status, 413);
    assert.deepEqual(answer.json.error, {
      message: "Request body too large: the emulator accepts at most 1000 bytes.",
      type: "invalid_request_error",
      param: null,
      code: "request_too_large",
    });
    assert.equal(answer.headers.get("x-emulator-assumption"), "body-size-limit");
    const record = last();
    assert.equal(record?.status, 413);
    assert.equal(record?.body, "[a body above the size limit, not read]");
    assert.equal(record?.requestId, answer.headers.get("x-request-id"));
    assert.deepEqual(lines, [`POST /v1/chatkit/sessions 413 ${record?.requestId}`]);
  });

  it("reads a body of exactly its limit, and refuses one byte more, declared or streamed", async () => {
    const frame = `{"user":"u","workflow":{"id":"wf_1"},"x":""}`;
    const exact = `${frame.slice(0, -2)}${"y".repeat(1000 - frame.length)}"}`;
    assert.equal(Buffer.byteLength(exact), 1000);
    const send = (text: string, declare: boolean) =>
      new Promise<number>((resolve, reject) => {
        const url = new URL(sessions());
        const req = http.request(
          {
            host: url.hostname,
            port: url.port,
            path: url.pathname,
            method: "POST",
            headers: declare ? { ...HEADERS, "content-length": String(Buffer.byteLength(text)) } : HEADERS,
          },
          (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode ?? 0));
          },
        );
        req.on("error", reject);
        // Two chunks, so that the limit is crossed while reading when no length is declared.
        req.write(text.slice(0, 500));
        req.end(text.slice(500));
      });
    for (const declare of [true, false]) {
      const accepted = await send(exact, declare);
      assert.equal(accepted, 400, "read and validated: the x is an unknown parameter");
      assert.equal(last()?.error?.message, "Unknown parameter: 'x'.");
      assert.equal(await send(`${exact} `, declare), 413, declare ? "declared" : "streamed");
    }
  });

  it("answers a request target without a leading slash as a path", async () => {
    const url = new URL(ctx.emulator.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: url.hostname, port: url.port, method: "OPTIONS", path: "*" }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end();
    });
    assert.equal(status, 404);
    assert.equal(last()?.path, "/*");
    assert.equal(last()?.error?.message, "Invalid URL (OPTIONS /*)");
  });
});

describe("the emulator's request log limit", () => {
  it("keeps 1000 requests by default, oldest dropped first", async function () {
    this.timeout(60_000);
    const emulator = await startEmulator({});
    try {
      const url = `${emulator.url}/chatkit/threads`;
      for (let i = 0; i < 1001; i++) {
        await call(url, "GET", undefined, { authorization: `Bearer ${TEST_API_KEY}`, "x-n": String(i) });
      }
      assert.equal(emulator.requests.length, 1000);
      assert.equal(emulator.requests[0]?.headers["x-n"], "1");
      assert.equal(emulator.requests.at(-1)?.headers["x-n"], "1000");
      const statuses = new Set(emulator.requests.map((r) => r.status));
      assert.deepEqual([...statuses], [200]);
    } finally {
      await emulator.close();
    }
  });

  it("keeps no request to the page or the emulator's own endpoints", async () => {
    const emulator = await startEmulator({});
    try {
      await call(emulator.pageUrl, "GET");
      await call(`${emulator.pageUrl}_emulator/state`, "GET");
      await call(`${emulator.pageUrl}_emulator/sessions`, "GET");
      await call(`${rootOf(emulator.url)}/_emulator/faults`, "DELETE");
      assert.equal(emulator.requests.length, 0);
    } finally {
      await emulator.close();
    }
  });
});
