import * as assert from "node:assert/strict";
import * as http from "node:http";
import * as v8 from "node:v8";
import * as vm from "node:vm";
import { useEmulator } from "../helpers/emulator";
import { call, HEADERS } from "./call";

/**
 * Streams `total` bytes at the emulator (with or without a Content-Length) and resolves with its
 * answer as soon as there is one; stops sending then, as a client that reads answers would.
 */
function stream(url: string, total: number, declareLength: boolean) {
  return new Promise<{ status?: number; json?: any; sent: number; error?: string }>((resolve) => {
    const req = http.request(url, {
      method: "POST",
      headers: { ...HEADERS, ...(declareLength ? { "content-length": String(total) } : {}) },
    });
    const chunk = Buffer.alloc(1 << 20, 0x61);
    let sent = 0;
    let answered = false;
    req.on("response", (res) => {
      answered = true;
      let text = "";
      res.on("data", (part) => {
        text += part;
      });
      res.on("end", () => resolve({ status: res.statusCode, json: JSON.parse(text), sent }));
    });
    req.on("error", (error) => {
      if (!answered) resolve({ error: String(error), sent });
    });
    const pump = () => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

const gc: () => void = (() => {
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc");
})();

describe("the emulator's limits", () => {
  describe("request bodies", () => {
    const ctx = useEmulator({});
    const create = () => `${ctx.emulator.url}/chatkit/sessions`;

    for (const declareLength of [true, false]) {
      it(`answers a 600 MB body ${declareLength ? "with" : "without"} a Content-Length with 413 in the error envelope, reading little of it`, async function () {
        this.timeout(60_000);
        const answer = await stream(create(), 600 * 1024 * 1024, declareLength);
        assert.equal(answer.status, 413, answer.error);
        assert.equal(answer.json.error.type, "invalid_request_error");
        assert.match(answer.json.error.message, /too large/);
        assert.ok(answer.sent < 100 * 1024 * 1024, `stopped reading early: ${answer.sent} bytes sent`);
        assert.equal(
          (await call(create(), "POST", { user: "u", workflow: { id: "wf_1" } })).status,
          200,
          "still serving",
        );
      });
    }

    it("answers 413 through fetch too, for a body just above the limit", async () => {
      const answer = await call(create(), "POST", "x".repeat(16 * 1024 * 1024 + 1));
      assert.equal(answer.status, 413);
      assert.equal(answer.json.error.code, "request_too_large");
    });

    it("does not hold bodies it has answered: eight 15 MB bodies leave less than half of them held after GC", async function () {
      this.timeout(60_000);
      const body = `{"user": "${"x".repeat(15 * 1024 * 1024)}`; // large and malformed
      gc();
      const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < 8; i++) assert.equal((await call(create(), "POST", body)).status, 400);
      gc();
      const held = process.memoryUsage().heapUsed - before;
      assert.ok(held < 60 * 1024 * 1024, `held ${(held / 1048576).toFixed(1)} MiB after 120 MB of bodies`);
      assert.match(String(ctx.emulator.requests.at(-1)?.body), /^\[a body of \d+ bytes, not kept\]$/);
    });
  });

  describe("the request log and the session store", () => {
    const ctx = useEmulator({ requestLogLimit: 50, retainEndedSeconds: 60 });
    const create = (body: unknown) => call(`${ctx.emulator.url}/chatkit/sessions`, "POST", body);

    it("keeps only the latest requests", async () => {
      for (let i = 0; i < 80; i++) await create({ user: `log-${i}`, workflow: { id: "wf_1" } });
      assert.equal(ctx.emulator.requests.length, 50);
      assert.deepEqual((ctx.emulator.requests.at(-1)?.body as any)?.user, "log-79");
      assert.deepEqual((ctx.emulator.requests[0]?.body as any)?.user, "log-30");
    });

    it("forgets sessions once they have been expired or cancelled for longer than it retains them, never an active one", async () => {
      const short = (
        await create({ user: "short", workflow: { id: "wf_1" }, expires_after: { anchor: "created_at", seconds: 10 } })
      ).json;
      const cancelled = (await create({ user: "cancelled", workflow: { id: "wf_1" } })).json;
      await call(`${ctx.emulator.url}/chatkit/sessions/${cancelled.id}/cancel`, "POST");
      const long = (await create({ user: "long", workflow: { id: "wf_1" } })).json;
      ctx.emulator.advanceClock(30);
      assert.equal(ctx.emulator.session(short.id)?.status, "expired", "kept a while after expiring");
      assert.ok(ctx.emulator.session(cancelled.id), "kept a while after its cancel");
      ctx.emulator.advanceClock(61);
      assert.equal(ctx.emulator.session(short.id), undefined);
      assert.equal(ctx.emulator.session(cancelled.id), undefined);
      assert.equal(ctx.emulator.session(long.id)?.status, "active");
      const gone = await call(`${ctx.emulator.url}/chatkit/sessions/${short.id}/cancel`, "POST");
      assert.equal(gone.status, 404, "a forgotten session is not found, as after its end anything may be");
    });
  });
});
