import * as assert from "node:assert/strict";
import { validateInputs } from "../../provider/schema";
import { readSession, toCreateBody } from "../../provider/wire";

describe("wire: camelCase inputs to the API's snake_case", () => {
  it("maps every input and leaves out what was not given", () => {
    const { inputs } = validateInputs({
      user: "u",
      workflow: { id: "wf_1", version: "2", stateVariables: { a: 1 }, tracing: { enabled: false } },
      chatkitConfiguration: {
        automaticThreadTitling: { enabled: false },
        fileUpload: { enabled: true, maxFileSize: 8, maxFiles: 2 },
        history: { recentThreads: 4 },
      },
      expiresAfter: 90,
      rateLimits: { maxRequestsPer1Minute: 30 },
      renewBefore: 10,
      triggers: { a: "b" },
    });
    assert.deepEqual(toCreateBody(inputs!), {
      user: "u",
      workflow: { id: "wf_1", version: "2", state_variables: { a: 1 }, tracing: { enabled: false } },
      chatkit_configuration: {
        automatic_thread_titling: { enabled: false },
        file_upload: { enabled: true, max_file_size: 8, max_files: 2 },
        history: { recent_threads: 4 },
      },
      expires_after: { anchor: "created_at", seconds: 90 },
      rate_limits: { max_requests_per_1_minute: 30 },
    });
  });

  it("reads a session answer, ignoring fields it does not know", () => {
    const answer = {
      id: "cksess_1",
      object: "chatkit.session",
      client_secret: "ek_1",
      expires_at: 1,
      status: "active",
      user: "u",
      workflow: { id: "wf_1", version: null, state_variables: null, tracing: { enabled: true } },
      chatkit_configuration: {
        automatic_thread_titling: { enabled: true },
        file_upload: { enabled: false, max_file_size: null, max_files: null },
        history: { enabled: true, recent_threads: null },
      },
      rate_limits: { max_requests_per_1_minute: 10 },
      max_requests_per_1_minute: 10,
      scope: { project: "alpha" },
      max_requests_per_session: 500,
    };
    assert.equal(readSession(answer), answer);
    // The seed page's second example answer is not a session: it lacks the id and most fields.
    assert.equal(
      readSession({ client_secret: "chatkit_token_123", expires_at: 1735689600, status: "active" }),
      undefined,
    );
    assert.equal(readSession({ ...answer, status: "paused" }), undefined);
    assert.equal(readSession({ ...answer, workflow: { id: "wf_1" } }), undefined);
    assert.equal(readSession("<html>"), undefined);
    assert.equal(readSession(null), undefined);
  });
});
