import * as assert from "node:assert/strict";
import { startEmulator } from "../../emulator/server";
import { assertExpiresAfter, TEST_API_KEY, useEmulator } from "../helpers/emulator";
import { call, rootOf } from "./call";

const HEADERS = {
  authorization: `Bearer ${TEST_API_KEY}`,
  "openai-beta": "chatkit_beta=v1",
  "content-type": "application/json",
};

async function post(base: string, route: string, body?: unknown, headers: Record<string, string> = HEADERS) {
  const response = await fetch(`${base}${route}`, {
    method: "POST",
    headers,
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

describe("the ChatKit API emulator", () => {
  const ctx = useEmulator({ rateLimitPerMinute: 1000, workflows: undefined });
  const create = (body: unknown, headers?: Record<string, string>) =>
    post(ctx.emulator.url, "/chatkit/sessions", body, headers);
  const cancel = (id: string, headers?: Record<string, string>) =>
    post(ctx.emulator.url, `/chatkit/sessions/${id}/cancel`, undefined, headers);

  describe("create", () => {
    it("answers a minimal body with the documented defaults resolved", async () => {
      const before = ctx.emulator.nowSeconds();
      const { status, json, headers } = await create({ user: "u", workflow: { id: "wf_1" } });
      assert.equal(status, 200);
      assert.match(headers.get("x-request-id") ?? "", /^req_/);
      assert.equal(json.object, "chatkit.session");
      assert.match(json.id, /^cksess_/);
      assert.equal(json.status, "active");
      assert.ok(json.client_secret.length > 20);
      assertExpiresAfter(ctx.emulator, before, json.expires_at, 600);
      assert.deepEqual(json.workflow, { id: "wf_1", version: null, state_variables: null, tracing: { enabled: true } });
      assert.deepEqual(json.chatkit_configuration, {
        automatic_thread_titling: { enabled: true },
        file_upload: { enabled: false, max_file_size: 512, max_files: 10 },
        history: { enabled: true, recent_threads: null },
      });
      assert.deepEqual(json.rate_limits, { max_requests_per_1_minute: 10 });
      assert.equal(json.max_requests_per_1_minute, 10);
    });

    it("echoes every override", async () => {
      const before = ctx.emulator.nowSeconds();
      const { json } = await create({
        user: "u",
        workflow: { id: "wf_1", version: "7", state_variables: { a: "x", b: 2, c: true }, tracing: { enabled: false } },
        chatkit_configuration: {
          automatic_thread_titling: { enabled: false },
          file_upload: { enabled: true, max_file_size: 16, max_files: 2 },
          history: { enabled: false, recent_threads: 3 },
        },
        expires_after: { anchor: "created_at", seconds: 30 },
        rate_limits: { max_requests_per_1_minute: 60 },
      });
      assert.equal(json.workflow.version, "7");
      assert.deepEqual(json.workflow.state_variables, { a: "x", b: 2, c: true });
      assert.deepEqual(json.chatkit_configuration.file_upload, { enabled: true, max_file_size: 16, max_files: 2 });
      assertExpiresAfter(ctx.emulator, before, json.expires_at, 30);
      assert.equal(json.max_requests_per_1_minute, 60);
    });

    const invalid: [string, unknown, string, string][] = [
      ["a missing user", { workflow: { id: "wf_1" } }, "user", "missing_required_parameter"],
      ["an empty user", { user: "", workflow: { id: "wf_1" } }, "user", "empty_string"],
      ["a missing workflow id", { user: "u", workflow: {} }, "workflow.id", "missing_required_parameter"],
      ["an unknown parameter", { user: "u", workflow: { id: "wf_1" }, scope: {} }, "scope", "unknown_parameter"],
      [
        "a bare-number expires_after",
        { user: "u", workflow: { id: "wf_1" }, expires_after: 1800 },
        "expires_after",
        "invalid_type",
      ],
      [
        "seconds above 600",
        { user: "u", workflow: { id: "wf_1" }, expires_after: { anchor: "created_at", seconds: 601 } },
        "expires_after.seconds",
        "integer_above_max_value",
      ],
      [
        "a wrong anchor",
        { user: "u", workflow: { id: "wf_1" }, expires_after: { anchor: "now", seconds: 60 } },
        "expires_after.anchor",
        "invalid_value",
      ],
      [
        "max_file_size 513",
        { user: "u", workflow: { id: "wf_1" }, chatkit_configuration: { file_upload: { max_file_size: 513 } } },
        "chatkit_configuration.file_upload.max_file_size",
        "integer_above_max_value",
      ],
      [
        "a decimal max_files",
        { user: "u", workflow: { id: "wf_1" }, chatkit_configuration: { file_upload: { max_files: 1.5 } } },
        "chatkit_configuration.file_upload.max_files",
        "invalid_type",
      ],
      [
        "a zero rate limit",
        { user: "u", workflow: { id: "wf_1" }, rate_limits: { max_requests_per_1_minute: 0 } },
        "rate_limits.max_requests_per_1_minute",
        "integer_below_min_value",
      ],
      [
        "65 state variables",
        {
          user: "u",
          workflow: {
            id: "wf_1",
            state_variables: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, i])),
          },
        },
        "workflow.state_variables",
        "object_above_max_properties",
      ],
      [
        "a 65-character state variable key",
        { user: "u", workflow: { id: "wf_1", state_variables: { ["k".repeat(65)]: 1 } } },
        "workflow.state_variables",
        "string_above_max_length",
      ],
      [
        "an object state variable",
        { user: "u", workflow: { id: "wf_1", state_variables: { a: { b: 1 } } } },
        "workflow.state_variables.a",
        "invalid_type",
      ],
    ];
    for (const [name, body, param, code] of invalid) {
      it(`refuses ${name} with a 400 naming ${param}`, async () => {
        const before = ctx.emulator.stats.created;
        const { status, json } = await create(body);
        assert.equal(status, 400);
        assert.equal(json.error.type, "invalid_request_error");
        assert.equal(json.error.param, param);
        assert.equal(json.error.code, code);
        assert.equal(ctx.emulator.stats.created, before);
      });
    }

    it("refuses a body that is not JSON", async () => {
      const { status, json } = await create("{not json");
      assert.equal(status, 400);
      assert.match(json.error.message, /could not parse the JSON body/);
    });

    it("answers 404 for a workflow the key cannot see", async () => {
      const { status, json } = await create({ user: "u", workflow: { id: "other" } });
      assert.equal(status, 404);
      assert.equal(json.error.message, "Workflow with id 'other' not found.");
    });
  });

  describe("authentication and headers", () => {
    it("answers 401 without a key", async () => {
      const { status, json } = await create(
        { user: "u", workflow: { id: "wf_1" } },
        { "openai-beta": "chatkit_beta=v1" },
      );
      assert.equal(status, 401);
      assert.match(json.error.message, /didn't provide an API key/);
    });

    it("answers 401 for a wrong key, quoting only a masked fragment", async () => {
      const key = "not-a-valid-key-123456";
      const { status, json } = await create(
        { user: "u", workflow: { id: "wf_1" } },
        { ...HEADERS, authorization: `Bearer ${key}` },
      );
      assert.equal(status, 401);
      assert.equal(json.error.code, "invalid_api_key");
      assert.ok(!json.error.message.includes(key));
    });

    it("answers 400 without the ChatKit beta header", async () => {
      const { "openai-beta": _beta, ...headers } = HEADERS;
      const { status, json } = await create({ user: "u", workflow: { id: "wf_1" } }, headers);
      assert.equal(status, 400);
      assert.match(json.error.message, /OpenAI-Beta/);
    });
  });

  describe("cancel and expiry", () => {
    it("cancels an active session, hides its secret, and stays cancelled when asked again", async () => {
      const { json: created } = await create({ user: "u", workflow: { id: "wf_1" } });
      const first = await cancel(created.id);
      assert.equal(first.status, 200);
      assert.equal(first.json.status, "cancelled");
      assert.equal(first.json.client_secret, "");
      const second = await cancel(created.id);
      assert.equal(second.json.status, "cancelled");
    });

    it("expires sessions by its clock, and cancelling an expired session changes nothing", async () => {
      const { json: created } = await create({
        user: "u",
        workflow: { id: "wf_1" },
        expires_after: { anchor: "created_at", seconds: 5 },
      });
      ctx.emulator.advanceClock(6);
      const answer = await cancel(created.id);
      assert.equal(answer.json.status, "expired");
      assert.equal(ctx.emulator.session(created.id)?.status, "expired");
    });

    it("answers 404 for an unknown session, and for another key's session", async () => {
      const unknown = await cancel("cksess_unknown");
      assert.equal(unknown.status, 404);
      assert.equal(unknown.json.error.message, "Chatkit Session with id 'cksess_unknown' not found.");
      const { json: created } = await create({ user: "u", workflow: { id: "wf_1" } });
      const other = await cancel(created.id, { ...HEADERS, authorization: "Bearer sk-another-project-key" });
      assert.equal(other.status, 404);
    });
  });

  describe("rate limits and faults", () => {
    it("injects a status with Retry-After before acting", async () => {
      ctx.emulator.inject({ kind: "status", status: 429, retryAfterSeconds: 2, retryAfterMs: 1500, on: "create" });
      const before = ctx.emulator.stats.created;
      const { status, headers } = await create({ user: "u", workflow: { id: "wf_1" } });
      assert.equal(status, 429);
      assert.equal(headers.get("retry-after"), "2");
      assert.equal(headers.get("retry-after-ms"), "1500");
      assert.equal(ctx.emulator.stats.created, before);
    });

    it("drops the connection before or after acting, and can answer with a body that is not JSON", async () => {
      let before = ctx.emulator.stats.created;
      ctx.emulator.inject({ kind: "drop" });
      await assert.rejects(create({ user: "u", workflow: { id: "wf_1" } }));
      assert.equal(ctx.emulator.stats.created, before);
      ctx.emulator.inject({ kind: "dropAfterActing" });
      await assert.rejects(create({ user: "u", workflow: { id: "wf_1" } }));
      assert.equal(ctx.emulator.stats.created, before + 1);
      before = ctx.emulator.stats.created;
      ctx.emulator.inject({ kind: "notJsonAfterActing" });
      const answer = await create({ user: "u", workflow: { id: "wf_1" } });
      assert.equal(answer.status, 200);
      assert.equal(answer.json, undefined);
      assert.equal(ctx.emulator.stats.created, before + 1);
    });

    it("adds latency and can leave a request unanswered", async () => {
      ctx.emulator.inject({ kind: "latency", delayMs: 200 });
      const started = Date.now();
      assert.equal((await create({ user: "u", workflow: { id: "wf_1" } })).status, 200);
      assert.ok(Date.now() - started >= 190);
      // Aborted only once the emulator has taken the request and left it unanswered for 300 ms: a
      // fixed 300 ms from sending could pass before a busy machine even sent it, and the hang
      // then stayed queued for the next test's create.
      const hangs = ctx.emulator.stats.faults.hang ?? 0;
      ctx.emulator.inject({ kind: "hang" });
      const controller = new AbortController();
      const pending = fetch(`${ctx.emulator.url}/chatkit/sessions`, {
        method: "POST",
        headers: HEADERS,
        body: "{}",
        signal: controller.signal,
      });
      const settled = pending.then(
        () => "answered",
        () => "failed",
      );
      while ((ctx.emulator.stats.faults.hang ?? 0) === hangs) await new Promise((resolve) => setTimeout(resolve, 10));
      const later = new Promise((resolve) => setTimeout(() => resolve("unanswered"), 300));
      assert.equal(await Promise.race([settled, later]), "unanswered");
      controller.abort();
      await assert.rejects(pending);
    });
  });

  it("records requests without the Authorization header or any client secret", async () => {
    const { json } = await create({ user: "recorded", workflow: { id: "wf_1" } });
    const record = ctx.emulator.requests.find((r) => (r.body as any)?.user === "recorded");
    assert.ok(record);
    assert.equal(record.headers.authorization, undefined);
    const log = JSON.stringify(ctx.emulator.requests);
    assert.ok(!log.includes(TEST_API_KEY));
    assert.ok(!log.includes(json.client_secret));
  });

  it("lists sessions over its control endpoint, without secrets", async () => {
    const response = await fetch(`${ctx.emulator.url.replace(/\/v1$/, "")}/_emulator/sessions`);
    const { data } = (await response.json()) as { data: Record<string, unknown>[] };
    assert.ok(data.length > 0);
    assert.ok(data.every((session) => !("client_secret" in session) && typeof session.status === "string"));
  });
});

describe("the rate limit of the emulator", () => {
  const ctx = useEmulator({ rateLimitPerMinute: 2 });

  it("answers 429 with Retry-After once a key has used its minute, and frees the key a minute later", async () => {
    const body = { user: "u", workflow: { id: "wf_1" } };
    assert.equal((await post(ctx.emulator.url, "/chatkit/sessions", body)).status, 200);
    assert.equal((await post(ctx.emulator.url, "/chatkit/sessions", body)).status, 200);
    const limited = await post(ctx.emulator.url, "/chatkit/sessions", body);
    assert.equal(limited.status, 429);
    assert.equal(limited.json.error.code, "rate_limit_exceeded");
    assert.ok(Number(limited.headers.get("retry-after")) > 0);
    ctx.emulator.advanceClock(61);
    assert.equal((await post(ctx.emulator.url, "/chatkit/sessions", body)).status, 200);
  });
});

describe("the emulator as its users rely on it: keys, headers, workflows, faults and threads", () => {
  const ctx = useEmulator({
    rateLimitPerMinute: 2,
    apiKeys: [TEST_API_KEY, "sk-second-key-000000"],
    workflows: { wf_open: {}, wf_team: { project: "proj_team" } },
  });
  const sessionsUrl = () => `${ctx.emulator.url}/chatkit/sessions`;
  const body = { user: "u", workflow: { id: "wf_open" } };
  /** Each test its own key's minute: the limit of 2 applies per key. */
  const keyed = (key: string) => ({ ...HEADERS, authorization: `Bearer ${key}` });

  beforeEach(() => {
    ctx.emulator.clearFaults();
    ctx.emulator.advanceClock(61);
  });

  it("accepts only the keys it was given, and masks all but a short key's ends when refusing", async () => {
    assert.equal((await post(ctx.emulator.url, "/chatkit/sessions", body, keyed("sk-second-key-000000"))).status, 200);
    const long = await post(ctx.emulator.url, "/chatkit/sessions", body, keyed("sk-unlisted-key-9876"));
    assert.equal(long.status, 401);
    assert.match(long.json.error.message, /^Incorrect API key provided: sk-\*{8}9876\. You can find your API key at /);
    const short = await post(ctx.emulator.url, "/chatkit/sessions", body, keyed("sk-short"));
    assert.match(short.json.error.message, /^Incorrect API key provided: \*{8}\. /);
    const notBearer = await post(ctx.emulator.url, "/chatkit/sessions", body, {
      ...HEADERS,
      authorization: `Basic ${TEST_API_KEY}`,
    });
    assert.match(notBearer.json.error.message, /didn't provide an API key/);
  });

  it("finds the beta header among other beta values, and refuses another ChatKit beta version", async () => {
    const among = await post(ctx.emulator.url, "/chatkit/sessions", body, {
      ...HEADERS,
      "openai-beta": "assistants=v2 , chatkit_beta=v1",
    });
    assert.equal(among.status, 200);
    const other = await post(ctx.emulator.url, "/chatkit/sessions", body, {
      ...HEADERS,
      "openai-beta": "chatkit_beta=v2",
    });
    assert.equal(other.status, 400);
    assert.equal(other.json.error.code, "missing_beta_header");
  });

  it("shows a workflow bound to a project only to requests for that project", async () => {
    const team = { user: "u", workflow: { id: "wf_team" } };
    assert.equal((await post(ctx.emulator.url, "/chatkit/sessions", team)).status, 404);
    const wrong = await post(ctx.emulator.url, "/chatkit/sessions", team, { ...HEADERS, "openai-project": "proj_x" });
    assert.equal(wrong.status, 404);
    assert.equal(wrong.json.error.message, "Workflow with id 'wf_team' not found.");
    ctx.emulator.advanceClock(61);
    const right = await post(ctx.emulator.url, "/chatkit/sessions", team, {
      ...HEADERS,
      "openai-project": "proj_team",
    });
    assert.equal(right.status, 200);
    const unlisted = await post(ctx.emulator.url, "/chatkit/sessions", { user: "u", workflow: { id: "wf_other" } });
    assert.equal(unlisted.json.error.message, "Workflow with id 'wf_other' not found.");
  });

  it("answers an injected status in the API's envelope, typed as the API types it, 500 by default", async () => {
    const cases: [number | undefined, number, string][] = [
      [429, 429, "requests"],
      [503, 503, "server_error"],
      [500, 500, "server_error"],
      [499, 499, "invalid_request_error"],
      [undefined, 500, "server_error"],
    ];
    for (const [status, answered, type] of cases) {
      ctx.emulator.inject({ kind: "status", status, on: "create" });
      const answer = await call(sessionsUrl(), "POST", body);
      assert.equal(answer.status, answered);
      assert.deepEqual(answer.json.error, {
        message: `Injected fault: HTTP ${answered}.`,
        type,
        param: null,
        code: null,
      });
      assert.equal(answer.headers.get("retry-after"), null);
    }
  });

  it("applies a fault only to the endpoint it names, as many times as asked", async () => {
    const { json: created } = await call(sessionsUrl(), "POST", body);
    ctx.emulator.inject({ kind: "status", status: 503, on: "cancel", times: 2 });
    assert.equal((await call(sessionsUrl(), "POST", body, keyed("sk-second-key-000000"))).status, 200);
    assert.equal((await call(`${sessionsUrl()}/${created.id}/cancel`, "POST")).status, 503);
    assert.equal((await call(`${sessionsUrl()}/${created.id}/cancel`, "POST")).status, 503);
    assert.equal((await call(`${sessionsUrl()}/${created.id}/cancel`, "POST")).status, 200);
  });

  it("answers a partial session after acting: its id and object, nothing else", async () => {
    ctx.emulator.inject({ kind: "partialAfterActing", on: "create" });
    const answer = await call(sessionsUrl(), "POST", body);
    assert.equal(answer.status, 200);
    assert.deepEqual(Object.keys(answer.json).sort(), ["id", "object"]);
    assert.equal(answer.json.object, "chatkit.session");
    assert.equal(ctx.emulator.session(answer.json.id)?.status, "active");
  });

  it("says how long until the key's minute frees a slot, in seconds and milliseconds", async () => {
    const key = keyed("sk-second-key-000000");
    const firstSent = ctx.emulator.nowSeconds();
    assert.equal((await call(sessionsUrl(), "POST", body, key)).status, 200);
    const firstAnswered = ctx.emulator.nowSeconds();
    ctx.emulator.advanceClock(20);
    assert.equal((await call(sessionsUrl(), "POST", body, key)).status, 200);
    ctx.emulator.advanceClock(15);
    const limitedSent = ctx.emulator.nowSeconds();
    const limited = await call(sessionsUrl(), "POST", body, key);
    const limitedAnswered = ctx.emulator.nowSeconds();
    assert.equal(limited.status, 429);
    // The first request was 35 s ago, plus the real time the calls took: its slot frees 60 s
    // after it, in 25 s less that real time, which the clock readings around the calls bound.
    const ms = Number(limited.headers.get("retry-after-ms"));
    const earliest = Math.floor((firstSent + 60 - limitedAnswered) * 1000);
    const latest = Math.ceil((firstAnswered + 60 - limitedSent) * 1000);
    assert.ok(ms >= earliest && ms <= latest && ms <= 25_000, `${ms} ms, not between ${earliest} and ${latest}`);
    assert.equal(limited.headers.get("retry-after"), String(Math.ceil(ms / 1000)));
    // Other keys are not held back by this one's minute.
    assert.equal((await call(sessionsUrl(), "POST", body)).status, 200);
    ctx.emulator.advanceClock(26);
    assert.equal((await call(sessionsUrl(), "POST", body, key)).status, 200);
  });

  it("lists threads for a live client secret, refuses a cancelled or expired one by name, and needs a key otherwise", async () => {
    const threads = `${ctx.emulator.url}/chatkit/threads`;
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    const { json: live } = await call(sessionsUrl(), "POST", {
      ...body,
      expires_after: { anchor: "created_at", seconds: 30 },
    });
    const listed = await call(threads, "GET", undefined, bearer(live.client_secret));
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.json, { object: "list", data: [], first_id: null, last_id: null, has_more: false });
    assert.equal((await call(threads, "GET", undefined, bearer(TEST_API_KEY))).status, 200);
    assert.equal((await call(threads, "GET", undefined, {})).status, 401);
    assert.equal((await call(threads, "GET", undefined, bearer("ek_not_a_secret_of_any_session"))).status, 401);

    ctx.emulator.advanceClock(31);
    const expired = await call(threads, "GET", undefined, bearer(live.client_secret));
    assert.equal(expired.status, 401);
    assert.equal(
      expired.json.error.message,
      "This ChatKit session is expired; its client secret can no longer be used.",
    );
    assert.equal(expired.json.error.code, "invalid_client_secret");

    const { json: other } = await call(sessionsUrl(), "POST", body, keyed("sk-second-key-000000"));
    await call(`${sessionsUrl()}/${other.id}/cancel`, "POST", undefined, keyed("sk-second-key-000000"));
    const cancelled = await call(threads, "GET", undefined, bearer(other.client_secret));
    assert.equal(
      cancelled.json.error.message,
      "This ChatKit session is cancelled; its client secret can no longer be used.",
    );
  });

  it("answers a route it does not serve with the API's 404, naming method and path", async () => {
    const wrongMethod = await call(sessionsUrl(), "GET");
    assert.equal(wrongMethod.status, 404);
    assert.equal(wrongMethod.json.error.message, "Invalid URL (GET /v1/chatkit/sessions)");
    const unknown = await call(`${ctx.emulator.url}/chatkit/sessions/cksess_1/refresh`, "POST");
    assert.equal(unknown.json.error.message, "Invalid URL (POST /v1/chatkit/sessions/cksess_1/refresh)");
    const control = await call(`${rootOf(ctx.emulator.url)}/_emulator/nothing`, "GET");
    assert.equal(control.status, 404);
    assert.equal(control.json.error.message, "Unknown emulator control /_emulator/nothing");
  });
});

describe("the emulator's housekeeping between requests", () => {
  const ctx = useEmulator({ retainEndedSeconds: 0 });

  it("forgets an ended session on a later request once a second has passed, without the clock being moved", async () => {
    const { json: session } = await post(ctx.emulator.url, "/chatkit/sessions", {
      user: "u",
      workflow: { id: "wf_1" },
    });
    await post(ctx.emulator.url, `/chatkit/sessions/${session.id}/cancel`);
    assert.ok(ctx.emulator.session(session.id), "kept until the next housekeeping");
    // Housekeeping runs at most once a second of wall time; waiting longer than that is all this needs.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await fetch(`${ctx.emulator.url}/chatkit/threads`);
    assert.equal(ctx.emulator.session(session.id), undefined);
  });
});

describe("the emulator's defaults for housekeeping", () => {
  const ctx = useEmulator({});

  it("keeps an ended session for ten minutes, then forgets it", async () => {
    const { json: session } = await post(ctx.emulator.url, "/chatkit/sessions", {
      user: "u",
      workflow: { id: "wf_1" },
    });
    await post(ctx.emulator.url, `/chatkit/sessions/${session.id}/cancel`);
    ctx.emulator.advanceClock(590);
    assert.ok(ctx.emulator.session(session.id));
    ctx.emulator.advanceClock(20);
    assert.equal(ctx.emulator.session(session.id), undefined);
  });
});

describe("the emulator listening on every address", () => {
  const ctx = useEmulator({ host: "0.0.0.0" });
  const lan = useEmulator({ host: "0.0.0.0", allowHosts: ["machine.lan"] });

  /** GET /_emulator/state through loopback with this Host header. */
  const get = async (port: number, host: string) => {
    const http = await import("node:http");
    return new Promise<{ status: number; text: string }>((resolve, reject) => {
      http
        .get({ host: "127.0.0.1", port, path: "/_emulator/state", headers: { host } }, (res) => {
          let text = "";
          res.on("data", (part) => {
            text += part;
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        })
        .on("error", reject);
    });
  };

  it("refuses a rebinding Host with 421, as on loopback, and answers loopback names", async () => {
    const port = ctx.emulator.port;
    for (const host of [`rebind.test:${port}`, `machine.lan:${port}`]) {
      const refused = await get(port, host);
      assert.equal(refused.status, 421, host);
      assert.equal(JSON.parse(refused.text).error.code, "misdirected_request");
    }
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      assert.equal((await get(port, host)).status, 200, host);
    }
  });

  it("refuses the teaching cancel and fault queueing under a rebinding Host", async () => {
    const http = await import("node:http");
    const port = ctx.emulator.port;
    const post = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(
          { host: "127.0.0.1", port, path, method: "POST", headers: { host: `rebind.test:${port}` } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on("error", reject);
        req.end(JSON.stringify({ kind: "drop" }));
      });
    assert.equal(await post("/_emulator/faults"), 421);
    assert.equal(await post("/_emulator/sessions/cksess_1/cancel"), 421);
  });

  it("answers a name given with allowHosts, and only on its port", async () => {
    const port = lan.emulator.port;
    assert.equal((await get(port, `machine.lan:${port}`)).status, 200);
    assert.equal((await get(port, `MACHINE.LAN:${port}`)).status, 200);
    assert.equal((await get(port, `machine.lan:${port + 1}`)).status, 421);
    assert.equal((await get(port, `rebind.test:${port}`)).status, 421);
  });
});

describe("closing the emulator", () => {
  it("ends open connections, a live page's stream among them, instead of waiting for them", async function () {
    this.timeout(20_000);
    const emulator = await startEmulator({});
    const response = await fetch(`${emulator.pageUrl}_emulator/events`);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    // Without ending them, close would wait for the stream, which never ends by itself.
    await emulator.close();
    const ended = async (): Promise<boolean> => {
      for (;;) {
        const part = await reader.read().catch(() => ({ done: true }));
        if (part.done) return true;
      }
    };
    assert.equal(await ended(), true);
  });
});
