import * as assert from "node:assert/strict";
import { clientFor } from "../../provider/client";
import { resolveSettings } from "../../provider/settings";

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
});
