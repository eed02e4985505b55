import * as assert from "node:assert/strict";
import { clientFor } from "../../provider/client";
import { SessionLifecycle } from "../../provider/lifecycle";
import { resolveSettings } from "../../provider/settings";
import { rejection } from "../helpers/rejection";
import { startScripted } from "../helpers/scripted";

describe("client", () => {
  const settings = (env: Record<string, string>) => resolveSettings({}, { OPENAI_API_KEY: "sk-client-test", ...env });

  it("reuses one SDK client per configuration", () => {
    const first = clientFor(settings({}));
    assert.equal(clientFor(settings({})), first);
    assert.notEqual(clientFor(settings({ OPENAI_BASE_URL: "http://127.0.0.1:1/v1" })), first);
    assert.notEqual(clientFor(settings({ OPENAI_PROJECT_ID: "proj_other" })), first);
    assert.notEqual(clientFor(resolveSettings({}, { OPENAI_API_KEY: "sk-client-other" })), first);
  });

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
      const lifecycle = new SessionLifecycle({
        env: { OPENAI_API_KEY: "sk-redirect-test-0123", OPENAI_BASE_URL: redirecting.url },
        warn: () => {},
      });
      const create = await rejection(
        lifecycle.create({ user: "u", workflow: { id: "wf_1", stateVariables: { crm: "private-value" } } }),
      );
      assert.match(create.message, /307/);
      assert.match(
        create.message,
        new RegExp(`answered with a redirect to ${elsewhere.url}/chatkit/sessions, which was not followed`),
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
});
