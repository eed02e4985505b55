import * as assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { boundedRequest, clientFor } from "../../provider/client";
import { AttemptTimedOutError } from "../../provider/errors";
import { SessionProvider } from "../../provider/lifecycle";
import { resolveSettings } from "../../provider/settings";
import { rejection } from "../helpers/rejection";
import { startScripted } from "../helpers/scripted";

describe("client", () => {
  const settings = (env: Record<string, string>) => resolveSettings({}, { OPENAI_API_KEY: "sk-client-test", ...env });

  it("turns the SDK's own retries and logging off, whatever OPENAI_LOG says", () => {
    const saved = process.env.OPENAI_LOG;
    process.env.OPENAI_LOG = "debug";
    try {
      const client = clientFor(settings({ OPENAI_BASE_URL: "http://127.0.0.1:2/v1" }));
      assert.equal(client.maxRetries, 0);
      assert.equal(client.logLevel, "off");
    } finally {
      if (saved === undefined) delete process.env.OPENAI_LOG;
      else process.env.OPENAI_LOG = saved;
    }
  });

  it("sends the configured key and project even when OPENAI_CUSTOM_HEADERS says otherwise", async () => {
    const server = await startScripted(() => ({ body: "{}" }));
    const saved = process.env.OPENAI_CUSTOM_HEADERS;
    process.env.OPENAI_CUSTOM_HEADERS =
      "Authorization: Bearer sk-from-env-headers\nOpenAI-Project: proj_env\nX-Extra: kept";
    try {
      const client = clientFor(
        resolveSettings({ apiKey: "sk-configured-0123", baseUrl: server.url, project: "proj_configured" }, {}),
      );
      await client.beta.chatkit.sessions.cancel("cksess_headers").asResponse();
      const [request] = server.requests;
      assert.equal(request?.authorization, "Bearer sk-configured-0123");
      assert.equal(request?.headers["openai-project"], "proj_configured");
      assert.equal(request?.headers["openai-organization"], undefined);
      // openai reads OPENAI_CUSTOM_HEADERS from 6.36 on; the releases before, back to the floor
      // 6.2.0, ignore the variable altogether.
      const [major, minor] = (require("openai/version").VERSION as string).split(".").map(Number);
      const readsCustomHeaders = major! > 6 || (major === 6 && minor! >= 36);
      assert.equal(request?.headers["x-extra"], readsCustomHeaders ? "kept" : undefined);
    } finally {
      if (saved === undefined) delete process.env.OPENAI_CUSTOM_HEADERS;
      else process.env.OPENAI_CUSTOM_HEADERS = saved;
      await server.close();
    }
  });

  it("follows no redirect: a 307 fails the create and the cancel, and nothing reaches the other address", async () => {
    const elsewhere = await startScripted(() => ({ acts: true }));
    const redirecting = await startScripted((request) => ({
      status: 307,
      headers: { location: `${elsewhere.url}${request.path.replace(/^\/v1/, "")}?token=sk-proj-in-query-0123456789` },
      body: "",
    }));
    try {
      const lifecycle = new SessionProvider({
        env: { OPENAI_API_KEY: "sk-redirect-test-0123", OPENAI_BASE_URL: redirecting.url },
        warn: () => {},
      });
      const create = await rejection(
        lifecycle.create({ user: "u", workflow: { id: "wf_1", stateVariables: { crm: "private-value" } } }),
      );
      assert.match(create.message, /307/);
      assert.match(
        create.message,
        new RegExp(
          `answered with a redirect to ${new URL(elsewhere.url).origin} \\(path not shown, fingerprint [0-9a-f]{8}\\), which was not followed`,
        ),
      );
      assert.doesNotMatch(create.message, /in-query|token=/, "the Location's query is not shown");
      assert.doesNotMatch(create.message, /may have been created/, "a redirect is an answer: nothing was created");
      const cancel = await rejection(
        lifecycle.delete("cksess_redirected", { status: "active", expiresAt: Date.now() / 1000 + 300 }),
      );
      assert.match(cancel.message, /redirect/);
      assert.equal(redirecting.requests.length, 2, "one create, one cancel, no retry");
      assert.deepEqual(elsewhere.requests, [], "the body and headers never reached the other address");
    } finally {
      await redirecting.close();
      await elsewhere.close();
    }
  });
  it("sends the configured organization", async () => {
    const server = await startScripted(() => ({ body: "{}" }));
    try {
      const client = clientFor(
        resolveSettings({ apiKey: "sk-configured-0123", baseUrl: server.url, organization: "org_configured" }, {}),
      );
      await client.beta.chatkit.sessions.cancel("cksess_org").asResponse();
      assert.equal(server.requests[0]?.headers["openai-organization"], "org_configured");
    } finally {
      await server.close();
    }
  });
});

describe("boundedRequest: one attempt, answer included, within its time", () => {
  /** A request that answers with `body` after `delayMs`. */
  const answering = (body: ConstructorParameters<typeof Response>[0], delayMs = 0) => {
    const start = () => ({
      asResponse: () => new Promise<Response>((resolve) => setTimeout(() => resolve(new Response(body)), delayMs)),
    });
    return { start };
  };
  /** A body that sends one byte and then nothing more. */
  const stalled = () =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array([123]));
      },
    });

  it("returns the status, the headers and the whole body", async () => {
    const { start } = answering('{"ok":true}');
    const { status, headers, text } = await boundedRequest(start, 1000, "http://api.test/v1");
    assert.deepEqual({ status, text }, { status: 200, text: '{"ok":true}' });
    assert.equal(headers.get("content-type"), "text/plain;charset=UTF-8");
  });

  // That the attempt's end also ends its request, on the wire, is shown against a real server below.
  it("ends an attempt that gets no answer", async () => {
    const start = () => ({ asResponse: () => new Promise<Response>(() => {}) });
    const error = await rejection(boundedRequest(start, 20, "http://api.test/v1"));
    assert.ok(error instanceof AttemptTimedOutError);
    assert.equal(error.message, "no answer within 0.02 s");
  });

  it("tells a body that stopped arriving from no answer at all", async () => {
    const { start } = answering(stalled());
    const error = await rejection(boundedRequest(start, 20, "http://api.test/v1"));
    assert.ok(error instanceof AttemptTimedOutError);
    assert.equal(error.message, "the answer did not finish arriving within 0.02 s (the API had started answering)");
    assert.equal(error.answerStarted, true);
  });

  it("leaves no timer running once the answer is read", async () => {
    // The attempt's timer, were it left running, would hold the process for the whole limit.
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
    // Mocha arms its own timer for the test once the test has begun: count after that.
    await new Promise(setImmediate);
    const before = timers();
    const { text } = await boundedRequest(answering("{}").start, 600_000, "http://api.test/v1");
    assert.equal(text, "{}");
    // At most as many as before: a timer of an earlier test may have ended meanwhile.
    assert.ok(timers() <= before, `${timers()} timers, ${before} before`);
  });

  it("closes the real connection when the attempt ends, before the answer and while its body is stalled", async () => {
    /** Each request's path once the server has it, and once its connection has closed. */
    const arrived: string[] = [];
    const closed: string[] = [];
    const server = createServer((req, res) => {
      arrived.push(req.url ?? "");
      req.on("close", () => closed.push(req.url ?? ""));
      if (req.url?.includes("cksess_warm")) res.end("{}");
      // The create gets no answer at all; the cancel gets its headers and one byte, then nothing.
      else if (req.url?.endsWith("/cancel")) {
        res.writeHead(200, { "content-type": "application/json" });
        res.write("{");
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    /** Waits up to 10 s for `done`, polling: a busy machine is slow, never this slow. */
    const within10s = async (done: () => boolean) => {
      for (let waited = 0; !done() && waited < 10_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    };
    try {
      const client = clientFor(resolveSettings({ apiKey: "sk-bounded-0123", baseUrl }, {}));
      // A first request loads fetch itself, which can take longer than an attempt's limit here.
      await client.beta.chatkit.sessions.cancel("cksess_warm").asResponse();
      const noAnswer = await rejection(
        boundedRequest(
          (options) => client.beta.chatkit.sessions.create({ user: "u", workflow: { id: "wf" } }, options),
          1000,
          baseUrl,
        ),
      );
      assert.equal(noAnswer.message, "no answer within 1 s");
      const stalled = await rejection(
        boundedRequest((options) => client.beta.chatkit.sessions.cancel("cksess_stalled", options), 1000, baseUrl),
      );
      assert.equal(stalled.message, "the answer started (HTTP 200) and did not finish within 1 s");
      // Only the attempt's own signal can end a stalled body: the SDK's timer stops at the headers.
      const bounded = ["/v1/chatkit/sessions", "/v1/chatkit/sessions/cksess_stalled/cancel"];
      await within10s(() => bounded.every((path) => closed.includes(path)));
      assert.deepEqual(
        bounded.filter((path) => closed.includes(path)),
        bounded,
        `requests that arrived: ${arrived.join(", ")}`,
      );
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("waits out a limit longer than a timer can hold, instead of ending the attempt at once", async () => {
    const { start } = answering("{}", 30);
    const { status, text } = await boundedRequest(start, 2 ** 32, "http://api.test/v1");
    assert.deepEqual({ status, text }, { status: 200, text: "{}" });
  });
});
