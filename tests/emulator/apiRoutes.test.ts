import * as assert from "node:assert/strict";
import * as http from "node:http";
import * as net from "node:net";
import { startEmulator } from "../../emulator/server";
import { TEST_API_KEY, useEmulator } from "../helpers/emulator";
import { call, HEADERS, rootOf } from "./call";

/**
 * The API's routes as a client meets them: the order of the checks (fault, key, beta header, rate
 * limit, then the body), the counters a test reads, cancel's bookkeeping and the routes' shapes.
 */
describe("the emulator's API routes", () => {
  const ctx = useEmulator({ rateLimitPerMinute: 1 });
  const sessions = () => `${ctx.emulator.url}/chatkit/sessions`;
  const body = { user: "u", workflow: { id: "wf_1" } };
  const { "openai-beta": _beta, ...noBeta } = HEADERS;
  let n = 0;
  /** A fresh key per use, so that each has its own minute of the limit of 1. */
  const fresh = () => ({ ...HEADERS, authorization: `Bearer sk-route-${n++}` });
  afterEach(() => ctx.emulator.clearFaults());

  it("answers a fault before looking at the key", async () => {
    ctx.emulator.inject({ kind: "status", status: 503 });
    assert.equal((await call(sessions(), "POST", body, { "openai-beta": "chatkit_beta=v1" })).status, 503);
  });

  it("checks the key before the beta header, and the beta header before the limit and the body", async () => {
    const { authorization: _key, ...nothing } = noBeta;
    assert.equal((await call(sessions(), "POST", "{bad", nothing)).status, 401);
    const key = fresh();
    assert.equal((await call(sessions(), "POST", body, key)).status, 200);
    const { "openai-beta": _b, ...keyNoBeta } = key;
    const beta = await call(sessions(), "POST", "{bad", keyNoBeta);
    assert.equal(beta.status, 400);
    assert.equal(beta.json.error.code, "missing_beta_header");
    const limited = await call(sessions(), "POST", "{bad", key);
    assert.equal(limited.status, 429, "the limit before the body");
    assert.deepEqual(limited.json.error, {
      message: "Rate limit reached for requests. Please try again later.",
      type: "requests",
      param: null,
      code: "rate_limit_exceeded",
    });
  });

  it("counts the requests it limited", async () => {
    const key = fresh();
    const before = ctx.emulator.stats.rateLimited;
    await call(sessions(), "POST", body, key);
    await call(sessions(), "POST", body, key);
    await call(sessions(), "POST", body, key);
    assert.equal(ctx.emulator.stats.rateLimited, before + 2);
  });

  it("keeps a key's minute when the clock moves within it", async () => {
    const key = fresh();
    assert.equal((await call(sessions(), "POST", body, key)).status, 200);
    ctx.emulator.advanceClock(30);
    assert.equal((await call(sessions(), "POST", body, key)).status, 429);
    ctx.emulator.advanceClock(31);
    assert.equal((await call(sessions(), "POST", body, key)).status, 200);
  });

  it("counts a key's newer request after its older one leaves the minute", async () => {
    // Its own emulator: a limit of 2 per minute.
    const emulator = await startEmulator({ rateLimitPerMinute: 2 });
    try {
      const url = `${emulator.url}/chatkit/sessions`;
      assert.equal((await call(url, "POST", body)).status, 200);
      emulator.advanceClock(40);
      assert.equal((await call(url, "POST", body)).status, 200);
      emulator.advanceClock(30);
      assert.equal((await call(url, "POST", body)).status, 200, "the first left the minute");
      assert.equal((await call(url, "POST", body)).status, 429, "the second is still in it");
    } finally {
      await emulator.close();
    }
  });

  it("answers an empty create body as a body without its required parameters", async () => {
    const answer = await call(sessions(), "POST", undefined, fresh());
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.json.error, {
      message: "Missing required parameter: 'workflow'.",
      type: "invalid_request_error",
      param: "workflow",
      code: "missing_required_parameter",
    });
  });

  it("answers a body that is not JSON with the API's parse error", async () => {
    const answer = await call(sessions(), "POST", "{not json", fresh());
    assert.deepEqual(answer.json.error, {
      message:
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)",
      type: "invalid_request_error",
      param: null,
      code: null,
    });
  });

  it("answers an unknown workflow with the API's 404, marked as an assumption", async () => {
    const answer = await call(sessions(), "POST", { user: "u", workflow: { id: "flow_1" } }, fresh());
    assert.equal(answer.status, 404);
    assert.deepEqual(answer.json.error, {
      message: "Workflow with id 'flow_1' not found.",
      type: "invalid_request_error",
      param: null,
      code: null,
    });
    assert.equal(answer.headers.get("x-emulator-assumption"), "workflow-exists");
  });

  it("counts sessions created and cancelled, once each", async () => {
    const key = fresh();
    const { created, cancelled } = ctx.emulator.stats;
    const { json: session } = await call(sessions(), "POST", body, key);
    assert.equal(ctx.emulator.stats.created, created + 1);
    ctx.emulator.advanceClock(61);
    const first = await call(`${sessions()}/${session.id}/cancel`, "POST", undefined, key);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get("x-emulator-assumption"), null, "cancelling an active session is documented");
    assert.deepEqual(
      { ...first.json, client_secret: undefined },
      { ...session, status: "cancelled", client_secret: undefined },
    );
    assert.equal(first.json.client_secret, "");
    ctx.emulator.advanceClock(61);
    await call(`${sessions()}/${session.id}/cancel`, "POST", undefined, key);
    assert.equal(ctx.emulator.stats.cancelled, cancelled + 1);
  });

  it("leaves an expired session expired when asked to cancel it, counting no cancel", async () => {
    const key = fresh();
    const { json: session } = await call(
      sessions(),
      "POST",
      { ...body, expires_after: { anchor: "created_at", seconds: 5 } },
      key,
    );
    ctx.emulator.advanceClock(61);
    const cancelled = ctx.emulator.stats.cancelled;
    const answer = await call(`${sessions()}/${session.id}/cancel`, "POST", undefined, key);
    assert.equal(answer.json.status, "expired");
    assert.equal(answer.json.client_secret, "");
    assert.equal(answer.json.expires_at, session.expires_at);
    assert.equal(answer.headers.get("x-emulator-assumption"), "cancel-not-active");
    assert.equal(ctx.emulator.stats.cancelled, cancelled);
    assert.equal(
      ctx.emulator.listSessions("active").some((s) => s.id === session.id),
      false,
    );
  });

  it("lists a session among the active ones until it is cancelled", async () => {
    const key = fresh();
    const { json: session } = await call(sessions(), "POST", body, key);
    assert.equal(
      ctx.emulator.listSessions("active").some((s) => s.id === session.id),
      true,
    );
    ctx.emulator.advanceClock(61);
    await call(`${sessions()}/${session.id}/cancel`, "POST", undefined, key);
    assert.equal(
      ctx.emulator.listSessions("active").some((s) => s.id === session.id),
      false,
    );
  });

  it("does not take a path that only contains a route for the route", async () => {
    for (const path of ["/v1/chatkit/sessions/extra", "/x/v1/chatkit/sessions", "/v1/chatkit/sessions/a/b/cancel"]) {
      const answer = await call(`${rootOf(ctx.emulator.url)}${path}`, "POST", body, fresh());
      assert.equal(answer.status, 404, path);
      assert.equal(answer.json.error.message, `Invalid URL (POST ${path})`);
    }
  });

  it("ignores a query string when matching a route", async () => {
    const answer = await call(`${ctx.emulator.url}/chatkit/threads?limit=5&order=desc`, "GET", undefined, {
      authorization: `Bearer ${TEST_API_KEY}`,
    });
    assert.equal(answer.status, 200);
  });

  it("accepts a key with spaces around it, and masks a key of eight characters whole", async () => {
    const spaced = await call(`${ctx.emulator.url}/chatkit/threads`, "GET", undefined, {
      authorization: `Bearer   ${TEST_API_KEY}  `,
    });
    assert.equal(spaced.status, 200);
    const eight = await call(`${ctx.emulator.url}/chatkit/threads`, "GET", undefined, {
      authorization: "Bearer xx-45678",
    });
    assert.equal(
      eight.json.error.message,
      "Incorrect API key provided: ********. You can find your API key at https://platform.openai.com/account/api-keys.",
    );
    const nine = await call(`${ctx.emulator.url}/chatkit/threads`, "GET", undefined, {
      authorization: "Bearer xx-456789",
    });
    assert.match(nine.json.error.message, /^Incorrect API key provided: xx-\*{8}6789\. /);
    const none = await call(`${ctx.emulator.url}/chatkit/threads`, "GET", undefined, {});
    assert.deepEqual(none.json.error, {
      message:
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      type: "invalid_request_error",
      param: null,
      code: null,
    });
  });

  it("answers a missing beta header with the API's wording", async () => {
    const answer = await call(sessions(), "POST", body, { ...fresh(), "openai-beta": "" });
    assert.deepEqual(answer.json.error, {
      message: "You must provide the 'OpenAI-Beta' header with the value 'chatkit_beta=v1' to use the ChatKit API.",
      type: "invalid_request_error",
      param: null,
      code: "missing_beta_header",
    });
  });
});

describe("the emulator with its workflows configured", () => {
  const ctx = useEmulator({ workflows: { wf_1: {} } });

  it("answers a workflow it was not given with the 404, not marked as an assumption", async () => {
    const answer = await call(`${ctx.emulator.url}/chatkit/sessions`, "POST", { user: "u", workflow: { id: "wf_2" } });
    assert.equal(answer.status, 404);
    assert.equal(answer.headers.get("x-emulator-assumption"), null);
    assert.equal(
      (await call(`${ctx.emulator.url}/chatkit/sessions`, "POST", { user: "u", workflow: { id: "wf_1" } })).status,
      200,
    );
  });
});

describe("the emulator's own control routes", () => {
  const ctx = useEmulator({});
  const root = () => rootOf(ctx.emulator.url);

  it("lists every session with its id, user, workflow, expiry and status", async () => {
    const { json: a } = await call(`${ctx.emulator.url}/chatkit/sessions`, "POST", {
      user: "ua",
      workflow: { id: "wf_a" },
    });
    const { json: b } = await call(`${ctx.emulator.url}/chatkit/sessions`, "POST", {
      user: "ub",
      workflow: { id: "wf_b" },
    });
    await call(`${ctx.emulator.url}/chatkit/sessions/${b.id}/cancel`, "POST");
    const answer = await call(`${root()}/_emulator/sessions`, "GET");
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json, {
      data: [
        { id: a.id, user: "ua", workflowId: "wf_a", expiresAt: a.expires_at, status: "active" },
        { id: b.id, user: "ub", workflowId: "wf_b", expiresAt: b.expires_at, status: "cancelled" },
      ],
    });
  });

  it("answers another method on a control route with its 404", async () => {
    for (const [method, path] of [
      ["POST", "/_emulator/sessions"],
      ["GET", "/_emulator/faults"],
      ["PUT", "/_emulator/faults"],
      ["DELETE", "/_emulator/sessions"],
    ]) {
      const answer = await call(`${root()}${path}`, method as string, method === "GET" ? undefined : {});
      assert.equal(answer.status, 404, `${method} ${path}`);
      assert.deepEqual(answer.json.error, {
        message: `Unknown emulator control ${path}`,
        type: "invalid_request_error",
        param: null,
        code: null,
      });
    }
    ctx.emulator.inject({ kind: "status", status: 503, on: "cancel" });
    assert.equal((await call(`${root()}/_emulator/sessions`, "DELETE")).status, 404);
    const again = await call(`${root()}/_emulator/faults`, "POST", { kind: "drop", on: "cancel" });
    assert.deepEqual(again.json, { queued: 2 }, "a refused control cleared nothing");
    ctx.emulator.clearFaults();
  });
});

describe("the emulator's own address", () => {
  const ctx = useEmulator({});
  const get = (path: string, headers: Record<string, string>) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      http
        .get({ host: "127.0.0.1", port: ctx.emulator.port, path, headers }, (res) => {
          let text = "";
          res.on("data", (part) => {
            text += part;
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        })
        .on("error", reject);
    });

  it("answers its own page, whatever the case of its host, and its own origin", async () => {
    const port = ctx.emulator.port;
    assert.equal((await get("/_emulator/state", { host: `LOCALHOST:${port}` })).status, 200);
    assert.equal((await get("/_emulator/state", { origin: `http://127.0.0.1:${port}` })).status, 200);
    assert.equal((await get("/_emulator/state", { origin: `http://localhost:${port}` })).status, 200);
    assert.equal((await get("/_emulator/state", { host: `127.0.0.1:${port + 1}` })).status, 421);
    const refused = await get("/", { host: "evil.example" });
    assert.deepEqual(JSON.parse(refused.text).error, {
      message: `The emulator's page and its own endpoints answer only to a Host naming this machine (such as localhost:${port}); to serve them under another name, start it with --allow-host <name>.`,
      type: "invalid_request_error",
      param: null,
      code: "misdirected_request",
    });
  });

  it("serves the API's routes whatever the host", async () => {
    const answer = await new Promise<number>((resolve, reject) => {
      http
        .get(
          {
            host: "127.0.0.1",
            port: ctx.emulator.port,
            path: "/v1/chatkit/threads",
            headers: { host: "api.openai.com", authorization: `Bearer ${TEST_API_KEY}` },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        )
        .on("error", reject);
    });
    assert.equal(answer, 200);
  });
});

describe("the emulator on an IPv6 address", () => {
  before(async function () {
    // Some containers have no IPv6 loopback: then there is nothing to check.
    const usable = await new Promise<boolean>((resolve) => {
      const probe = net.createServer().once("error", () => resolve(false));
      probe.listen(0, "::1", () => probe.close(() => resolve(true)));
    });
    if (!usable) {
      console.log("      skipped: this machine has no IPv6 loopback (::1)");
      this.skip();
    }
  });

  // Each test starts its own emulator, so that what it checks runs inside the test.
  it("gives URLs with the address in brackets and answers its page there", async () => {
    const emulator = await startEmulator({ host: "::1" });
    try {
      const { url, pageUrl, port } = emulator;
      assert.equal(url, `http://[::1]:${port}/v1`);
      assert.equal(pageUrl, `http://[::1]:${port}/`);
      assert.equal((await call(`${pageUrl}_emulator/state`, "GET")).status, 200);
      assert.equal((await call(`${url}/chatkit/threads`, "GET")).status, 200);
      assert.equal(await statusWithHost(port, "::1", `localhost:${port}`), 200, "localhost names ::1 too");
    } finally {
      await emulator.close();
    }
  });

  it("listens only on 127.0.0.1 unless told otherwise", async () => {
    const emulator = await startEmulator({});
    try {
      const reached = await new Promise<boolean>((resolve) => {
        const socket = net.connect(emulator.port, "::1");
        socket.once("connect", () => {
          socket.destroy();
          resolve(true);
        });
        socket.once("error", () => resolve(false));
      });
      assert.equal(reached, false, "reachable on ::1");
    } finally {
      await emulator.close();
    }
  });

  it("takes :: for every address, answering its page to loopback names only", async () => {
    const any = await startEmulator({ host: "::" });
    try {
      assert.equal(await statusWithHost(any.port, "::1", `[::1]:${any.port}`), 200);
      assert.equal(await statusWithHost(any.port, "::1", `machine.lan:${any.port}`), 421);
    } finally {
      await any.close();
    }
  });
});

describe("the emulator on a port already taken", () => {
  it("rejects its start with the listen error, instead of crashing", async () => {
    const first = await startEmulator({});
    try {
      await assert.rejects(startEmulator({ port: first.port }), /EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});

describe("the emulator given an empty host", () => {
  it("listens on every address and answers its page to loopback names, not to any host name", async () => {
    const any = await startEmulator({ host: "" });
    try {
      assert.equal(await statusWithHost(any.port, "127.0.0.1", `127.0.0.1:${any.port}`), 200);
      assert.equal(await statusWithHost(any.port, "127.0.0.1", `machine.lan:${any.port}`), 421);
      assert.equal(await statusWithHost(any.port, "127.0.0.1", `machine.lan:${any.port + 1}`), 421);
    } finally {
      await any.close();
    }
  });
});

/** The status of GET /_emulator/state sent to this address with this Host header. */
function statusWithHost(port: number, address: string, host: string) {
  return new Promise<number>((resolve, reject) => {
    http
      .get({ host: address, port, path: "/_emulator/state", headers: { host } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on("error", reject);
  });
}

describe("the emulator's API errors, whole", () => {
  const ctx = useEmulator({ workflows: { wf_any: {}, wf_team: { project: "proj_team" } } });
  const sessions = () => `${ctx.emulator.url}/chatkit/sessions`;
  afterEach(() => ctx.emulator.clearFaults());

  it("answers a route it does not serve, an unknown session and a dead client secret in the API's envelope", async () => {
    const route = await call(`${ctx.emulator.url}/chatkit/sessions`, "DELETE");
    assert.deepEqual(route.json.error, {
      message: "Invalid URL (DELETE /v1/chatkit/sessions)",
      type: "invalid_request_error",
      param: null,
      code: null,
    });
    const unknown = await call(`${sessions()}/cksess_gone/cancel`, "POST");
    assert.deepEqual(unknown.json.error, {
      message: "Chatkit Session with id 'cksess_gone' not found.",
      type: "invalid_request_error",
      param: null,
      code: null,
    });
    const { json: session } = await call(sessions(), "POST", { user: "u", workflow: { id: "wf_any" } });
    await call(`${sessions()}/${session.id}/cancel`, "POST");
    const dead = await call(`${ctx.emulator.url}/chatkit/threads`, "GET", undefined, {
      authorization: `Bearer ${session.client_secret}`,
    });
    assert.deepEqual(dead.json.error, {
      message: "This ChatKit session is cancelled; its client secret can no longer be used.",
      type: "invalid_request_error",
      param: null,
      code: "invalid_client_secret",
    });
    // A secret of no session it holds (as after a restart): told as such, not as a bad API key.
    const forgotten = await call(`${ctx.emulator.url}/chatkit/threads`, "GET", undefined, {
      authorization: "Bearer ek_never_issued_by_this_emulator",
    });
    assert.equal(forgotten.status, 401);
    assert.equal(forgotten.json.error.code, "client_secret_unknown");
    assert.match(
      forgotten.json.error.message,
      /^This emulator knows no session with this client secret: .*a restart forgets them/,
    );
    assert.match(forgotten.headers.get("x-emulator-assumption") ?? "", /threads-client-secret/);
  });

  it("shows a workflow bound to no project to requests for any project", async () => {
    const answer = await call(
      sessions(),
      "POST",
      { user: "u", workflow: { id: "wf_any" } },
      {
        ...HEADERS,
        "openai-project": "proj_elsewhere",
      },
    );
    assert.equal(answer.status, 200);
  });

  it("sends only the retry headers an injected status asks for", async () => {
    ctx.emulator.inject({ kind: "status", status: 429, retryAfterSeconds: 3 });
    const seconds = await call(sessions(), "POST", { user: "u", workflow: { id: "wf_any" } });
    assert.equal(seconds.headers.get("retry-after"), "3");
    assert.equal(seconds.headers.get("retry-after-ms"), null);
    ctx.emulator.inject({ kind: "status", status: 429, retryAfterMs: 250 });
    const ms = await call(sessions(), "POST", { user: "u", workflow: { id: "wf_any" } });
    assert.equal(ms.headers.get("retry-after"), null);
    assert.equal(ms.headers.get("retry-after-ms"), "250");
  });
});
