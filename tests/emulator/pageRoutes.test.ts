import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { eventStream, TEST_API_KEY, useEmulator } from "../helpers/emulator";
import { call, HEADERS } from "./call";

/**
 * What the live page reads over HTTP: its state (sessions and requests, field by field, newest
 * first), its event stream, its teaching controls and the headers that keep it to itself.
 */
describe("the live page's endpoints", () => {
  const ctx = useEmulator({ teachingControls: true });
  const state = async () => (await call(`${ctx.emulator.pageUrl}_emulator/state`, "GET")).json;
  const sessions = () => `${ctx.emulator.url}/chatkit/sessions`;
  const control = (id: string, action: string) =>
    call(`${ctx.emulator.pageUrl}_emulator/sessions/${id}/${action}`, "POST");

  it("serves the emulator's README.md and FIDELITY.md, which the page links to, as plain text", async () => {
    const page = await (await fetch(ctx.emulator.pageUrl)).text();
    for (const name of ["README.md", "FIDELITY.md"]) {
      assert.ok(page.includes(`href="/_emulator/docs/${name}"`), `the page links to ${name}`);
      const answer = await fetch(`${ctx.emulator.pageUrl}_emulator/docs/${name}`);
      assert.equal(answer.status, 200);
      assert.equal(answer.headers.get("content-type"), "text/plain; charset=utf-8");
      assert.equal(answer.headers.get("x-content-type-options"), "nosniff");
      assert.equal(await answer.text(), fs.readFileSync(path.join(__dirname, "../../../emulator", name), "utf8"));
    }
    assert.equal((await fetch(`${ctx.emulator.pageUrl}_emulator/docs/package.json`)).status, 404);
  });

  it("shows each session's settings as its answer gave them, newest first, never its secret", async () => {
    const plain = (await call(sessions(), "POST", { user: "plain", workflow: { id: "wf_1" } })).json;
    ctx.emulator.advanceClock(2);
    const tuned = (
      await call(sessions(), "POST", {
        user: "tuned",
        workflow: { id: "wf_2", version: "3" },
        expires_after: { anchor: "created_at", seconds: 90 },
        rate_limits: { max_requests_per_1_minute: 7 },
        chatkit_configuration: {
          file_upload: { enabled: true, max_files: 4, max_file_size: 20 },
          history: { enabled: false, recent_threads: 5 },
        },
      })
    ).json;
    const answer = await call(`${ctx.emulator.pageUrl}_emulator/state`, "GET");
    assert.equal(answer.headers.get("cache-control"), "no-store");
    const shown = answer.json.sessions;
    assert.deepEqual(
      shown.slice(0, 2).map((s: { id: string }) => s.id),
      [tuned.id, plain.id],
    );
    const [first, second] = shown;
    assert.deepEqual(first, {
      id: tuned.id,
      user: "tuned",
      workflowId: "wf_2",
      workflowVersion: "3",
      status: "active",
      createdAt: tuned.expires_at - 90,
      lifetimeSeconds: 90,
      expiresAt: tuned.expires_at,
      cancelledAt: null,
      rateLimitPerMinute: 7,
      fileUpload: { enabled: true, maxFiles: 4, maxFileSizeMb: 20 },
      history: { enabled: false, recentThreads: 5 },
    });
    assert.deepEqual(second, {
      id: plain.id,
      user: "plain",
      workflowId: "wf_1",
      workflowVersion: null,
      status: "active",
      createdAt: plain.expires_at - 600,
      lifetimeSeconds: 600,
      expiresAt: plain.expires_at,
      cancelledAt: null,
      rateLimitPerMinute: 10,
      fileUpload: { enabled: false, maxFiles: 10, maxFileSizeMb: 512 },
      history: { enabled: true, recentThreads: null },
    });
    assert.ok(!answer.text.includes(plain.client_secret) && !answer.text.includes(tuned.client_secret));
    assert.ok(!answer.text.includes(TEST_API_KEY));
    assert.equal(answer.json.teaching, true);
    assert.ok(Math.abs(answer.json.now - ctx.emulator.nowSeconds()) < 60, "the emulator's clock, moved");
    assert.ok(answer.json.now >= tuned.expires_at - 90);
  });

  it("shows sessions made in the same second newest first", async () => {
    const made: string[] = [];
    for (let i = 0; i < 3; i++)
      made.push((await call(sessions(), "POST", { user: `s${i}`, workflow: { id: "wf_1" } })).json.id);
    const shown = (await state()).sessions.map((s: { id: string; createdAt: number }) => s);
    const ours = shown.filter((s: { id: string }) => made.includes(s.id));
    // The three may straddle a second: newest first by creation, and in order of making within a second.
    for (let i = 1; i < ours.length; i++) assert.ok(ours[i - 1].createdAt >= ours[i].createdAt);
    const sameSecond = ours.every((s: { createdAt: number }) => s.createdAt === ours[0].createdAt);
    if (sameSecond)
      assert.deepEqual(
        ours.map((s: { id: string }) => s.id),
        [...made].reverse(),
      );
  });

  it("shows a session put back by a test with the API's defaults for what it does not say", async () => {
    const now = Math.floor(ctx.emulator.nowSeconds());
    ctx.emulator.restoreSession({
      id: "cksess_bare",
      clientSecret: "ek_bare",
      user: "bare",
      workflowId: "wf_bare",
      createdAt: now,
      expiresAt: now + 30,
      apiKey: "sk-bare",
    });
    const shown = (await state()).sessions.find((s: { id: string }) => s.id === "cksess_bare");
    assert.deepEqual(shown, {
      id: "cksess_bare",
      user: "bare",
      workflowId: "wf_bare",
      workflowVersion: null,
      status: "active",
      createdAt: now,
      lifetimeSeconds: 30,
      expiresAt: now + 30,
      cancelledAt: null,
      rateLimitPerMinute: 10,
      fileUpload: { enabled: false, maxFiles: 10, maxFileSizeMb: 512 },
      history: { enabled: true, recentThreads: null },
    });
  });

  it("orders sessions by when they were created, not by when they were put in", async () => {
    const made = (await call(sessions(), "POST", { user: "new", workflow: { id: "wf_1" } })).json;
    const old = Math.floor(ctx.emulator.nowSeconds()) - 3600;
    ctx.emulator.restoreSession({
      id: "cksess_old",
      clientSecret: "ek_old",
      user: "old",
      workflowId: "wf_1",
      createdAt: old,
      expiresAt: old + 600,
      apiKey: "sk-old",
    });
    const ids = (await state()).sessions.map((s: { id: string }) => s.id);
    assert.ok(ids.indexOf(made.id) < ids.indexOf("cksess_old"), ids.join(", "));
    assert.equal(ids.at(-1), "cksess_old", "the oldest last");
  });

  it("shows the latest hundred requests, newest first, with status, error, fault and assumptions", async () => {
    for (let i = 0; i < 101; i++) await call(`${ctx.emulator.url}/chatkit/threads`, "GET", undefined, HEADERS);
    ctx.emulator.inject({ kind: "status", status: 503 });
    const failed = await call(sessions(), "POST", { user: "u", workflow: { id: "wf_1" } });
    ctx.emulator.inject({ kind: "drop" });
    await assert.rejects(call(sessions(), "POST", { user: "u", workflow: { id: "wf_1" } }));
    const dropped = ctx.emulator.requests.at(-1);
    const { requests } = await state();
    assert.equal(requests.length, 100);
    assert.deepEqual(requests[0], {
      at: dropped?.at,
      method: "POST",
      path: "/v1/chatkit/sessions",
      status: null,
      dropped: true,
      requestId: dropped?.requestId,
      error: null,
      fault: "drop",
      assumptions: [],
    });
    assert.deepEqual(requests[1], {
      at: ctx.emulator.requests.at(-2)?.at,
      method: "POST",
      path: "/v1/chatkit/sessions",
      status: 503,
      dropped: false,
      requestId: failed.headers.get("x-request-id"),
      error: { type: "server_error", message: "Injected fault: HTTP 503." },
      fault: "status",
      assumptions: [],
    });
    assert.deepEqual(requests[2].assumptions, ["threads-not-emulated"]);
    assert.equal(requests[2].status, 200);
  });

  it("cancels and expires a session from its teaching controls, answering its id and new status", async () => {
    const a = (await call(sessions(), "POST", { user: "a", workflow: { id: "wf_1" } })).json;
    const b = (await call(sessions(), "POST", { user: "b", workflow: { id: "wf_1" } })).json;
    const cancelled = await control(a.id, "cancel");
    assert.equal(cancelled.status, 200);
    assert.deepEqual(cancelled.json, { id: a.id, status: "cancelled" });
    const expired = await control(b.id, "expire");
    assert.deepEqual(expired.json, { id: b.id, status: "expired" });
    const shown = (await state()).sessions;
    const shownA = shown.find((s: { id: string }) => s.id === a.id);
    const shownB = shown.find((s: { id: string }) => s.id === b.id);
    assert.equal(shownA.status, "cancelled");
    assert.equal(typeof shownA.cancelledAt, "number");
    assert.ok(shownA.cancelledAt <= ctx.emulator.nowSeconds());
    assert.equal(shownB.status, "expired");
    assert.ok(shownB.expiresAt <= ctx.emulator.nowSeconds());
    assert.equal(shownB.cancelledAt, null);
    // The API sees the same: the secret is dead.
    const threads = await call(`${ctx.emulator.url}/chatkit/threads`, "GET", undefined, {
      authorization: `Bearer ${b.client_secret}`,
    });
    assert.equal(threads.status, 401);
    // Expiring an ended session changes nothing.
    assert.deepEqual((await control(a.id, "expire")).json, { id: a.id, status: "cancelled" });
    const after = (await state()).sessions.find((s: { id: string }) => s.id === a.id);
    assert.equal(after.expiresAt, a.expires_at, "its expiry stays as it was");
    // An expired session shows its new expiry through the API too.
    const cancelB = await call(`${sessions()}/${b.id}/cancel`, "POST");
    assert.equal(cancelB.json.status, "expired");
    assert.equal(cancelB.json.expires_at, shownB.expiresAt);
    assert.ok(cancelB.json.expires_at < b.expires_at);
  });

  it("answers a teaching control for an unknown or malformed id with the API's not-found 404", async () => {
    for (const id of ["cksess_none", "%E0%A4%A"]) {
      const answer = await control(id, "cancel");
      assert.equal(answer.status, 404);
      assert.deepEqual(answer.json.error, {
        message: `Chatkit Session with id '${id}' not found.`,
        type: "invalid_request_error",
        param: null,
        code: null,
      });
    }
  });

  it("serves the page with headers that keep it to itself", async () => {
    const page = await call(ctx.emulator.pageUrl, "GET");
    assert.equal(page.headers.get("content-type"), "text/html; charset=utf-8");
    assert.equal(page.headers.get("cache-control"), "no-store");
    assert.equal(page.headers.get("x-content-type-options"), "nosniff");
    assert.equal(
      page.headers.get("content-security-policy"),
      "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    assert.match(page.text, /^<!doctype html>/i);
  });

  it("streams a snapshot at once, then another after each change", async function () {
    this.timeout(20_000);
    const controller = new AbortController();
    const response = await fetch(`${ctx.emulator.pageUrl}_emulator/events`, { signal: controller.signal });
    try {
      assert.equal(response.headers.get("content-type"), "text/event-stream; charset=utf-8");
      assert.equal(response.headers.get("cache-control"), "no-store");
      assert.equal(response.headers.get("x-content-type-options"), "nosniff");
      const stream = eventStream(response);
      const { events, until } = stream;
      await until(() => events().length >= 1);
      assert.ok(stream.text.startsWith("retry: 1000\n\n"), stream.text.slice(0, 40));
      assert.equal(events()[0].teaching, true);
      const made = (await call(sessions(), "POST", { user: "streamed", workflow: { id: "wf_1" } })).json;
      await until(() => events().some((event) => event.sessions.some((s: { id: string }) => s.id === made.id)));
      const seen = events().length;
      await control(made.id, "cancel");
      await until(
        () =>
          events().length > seen &&
          events()
            .at(-1)
            .sessions.find((s: { id: string }) => s.id === made.id)?.status === "cancelled",
      );
      ctx.emulator.advanceClock(1);
      const moved = events().length;
      await until(() => events().length > moved);
      // A dropped request is news too, though nothing was answered.
      ctx.emulator.inject({ kind: "drop" });
      await assert.rejects(call(sessions(), "POST", { user: "u", workflow: { id: "wf_1" } }));
      await until(() => events().at(-1).requests[0]?.dropped === true);
    } finally {
      controller.abort();
    }
  });
});

describe("the live page's teaching controls, when off", () => {
  const ctx = useEmulator({});

  it("refuses them with 403 teaching_controls_off and changes nothing", async () => {
    const made = (await call(`${ctx.emulator.url}/chatkit/sessions`, "POST", { user: "u", workflow: { id: "wf_1" } }))
      .json;
    for (const action of ["cancel", "expire"]) {
      const answer = await call(`${ctx.emulator.pageUrl}_emulator/sessions/${made.id}/${action}`, "POST");
      assert.equal(answer.status, 403);
      assert.deepEqual(answer.json.error, {
        message:
          "Teaching controls are off: start the emulator with --teach to cancel or expire sessions from the page.",
        type: "invalid_request_error",
        param: null,
        code: "teaching_controls_off",
      });
    }
    assert.equal(ctx.emulator.session(made.id)?.status, "active");
  });
});

describe("the live page's event stream, over a plain connection", () => {
  const ctx = useEmulator({});

  it("asks to keep the connection open", async () => {
    const http = await import("node:http");
    const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const req = http.get(`${ctx.emulator.pageUrl}_emulator/events`, (res) => {
        resolve(res.headers);
        req.destroy();
      });
      req.on("error", () => {});
      req.on("error", reject);
    });
    assert.equal(headers.connection, "keep-alive");
  });
});

describe("the live page's state, with many sessions and long client texts", () => {
  const ctx = useEmulator({});

  it("shows the newest hundred sessions and how many there are, with a client's long texts cut", async function () {
    this.timeout(30_000);
    const url = `${ctx.emulator.url}/chatkit/sessions`;
    const long = "u".repeat(5000);
    for (let i = 0; i < 149; i++) await call(url, "POST", { user: `user-${i}`, workflow: { id: "wf_1" } });
    ctx.emulator.advanceClock(1);
    const newest = (await call(url, "POST", { user: long, workflow: { id: `wf_${"w".repeat(5000)}` } })).json;
    await call(`${ctx.emulator.url}/${"p".repeat(5000)}`, "GET");
    const state = (await call(`${ctx.emulator.pageUrl}_emulator/state`, "GET")).json;
    assert.equal(state.sessionCount, 150);
    assert.equal(state.sessions.length, 100);
    assert.equal(state.sessions[0].id, newest.id);
    assert.equal(state.sessions[0].user, `${"u".repeat(200)}…`);
    assert.equal(state.sessions[0].workflowId.length, 201);
    assert.equal(state.requests[0].path.length, 201);
    assert.ok(state.requests[0].error.message.length <= 201, "the 404 quoting the path is cut too");
    assert.ok(JSON.stringify(state).length < 100_000, `${JSON.stringify(state).length} characters`);
  });
});

describe("the live page's event streams, at their limit", () => {
  const ctx = useEmulator({});

  it("streams to 512 pages at once and answers the 513th 503 too_many_streams", async function () {
    this.timeout(60_000);
    const http = await import("node:http");
    const agent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
    const open = () =>
      new Promise<{ status: number; res: import("node:http").IncomingMessage }>((resolve, reject) => {
        http
          .get(`${ctx.emulator.pageUrl}_emulator/events`, { agent }, (res) =>
            resolve({ status: res.statusCode ?? 0, res }),
          )
          .on("error", reject);
      });
    const streams = await Promise.all(Array.from({ length: 512 }, open));
    try {
      assert.deepEqual(new Set(streams.map((s) => s.status)), new Set([200]));
      const refused = await open();
      assert.equal(refused.status, 503);
      let text = "";
      for await (const part of refused.res) text += part;
      const error = JSON.parse(text).error;
      assert.equal(error.code, "too_many_streams");
      assert.equal(error.type, "server_error");
      assert.match(error.message, /at most 512/);
      streams[0]?.res.destroy();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const again = await open();
      assert.equal(again.status, 200, "a closed stream makes room");
      again.res.destroy();
    } finally {
      for (const stream of streams) stream.res.destroy();
      agent.destroy();
    }
  });
});
