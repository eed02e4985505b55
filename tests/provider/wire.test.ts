import * as assert from "node:assert/strict";
import { validateInputs } from "../../provider/schema";
import { confirmedEnd, readSession, toCreateBody, toOutputs, unusableReason } from "../../provider/wire";

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

/** A whole create answer, as the API documents it. */
function sessionAnswer() {
  return {
    id: "cksess_1",
    object: "chatkit.session",
    client_secret: "ek_1",
    expires_at: 1_900_000_000,
    status: "active",
    user: "u",
    workflow: { id: "wf_1", tracing: { enabled: true } },
    chatkit_configuration: {
      automatic_thread_titling: { enabled: true },
      file_upload: { enabled: false },
      history: { enabled: true },
    },
    rate_limits: { max_requests_per_1_minute: 10 },
  };
}

describe("wire: an answer is read only when it has a whole session's shape", () => {
  const session = sessionAnswer;
  type Answer = ReturnType<typeof session>;

  it("reads the smallest whole session, and each status the API sends", () => {
    for (const status of ["active", "expired", "cancelled"]) {
      const answer = { ...session(), status };
      assert.equal(readSession(answer), answer);
    }
  });

  /** [what is wrong, the answer with it]: each must be refused rather than half-read. */
  const broken: [string, (answer: Answer) => unknown][] = [
    ["another object type", (a) => ({ ...a, object: "chatkit.thread" })],
    ["no id", ({ id: _, ...a }) => a],
    ["an empty id", (a) => ({ ...a, id: "" })],
    ["a numeric id", (a) => ({ ...a, id: 1 })],
    ["no client secret", ({ client_secret: _, ...a }) => a],
    ["a client secret object", (a) => ({ ...a, client_secret: { value: "ek_1" } })],
    ["an expiry as text", (a) => ({ ...a, expires_at: "1900000000" })],
    ["no status", ({ status: _, ...a }) => a],
    ["a numeric user", (a) => ({ ...a, user: 1 })],
    ["no workflow", ({ workflow: _, ...a }) => a],
    ["a workflow array", (a) => ({ ...a, workflow: [a.workflow] })],
    ["a workflow without id", (a) => ({ ...a, workflow: { tracing: { enabled: true } } })],
    ["tracing as text", (a) => ({ ...a, workflow: { id: "wf_1", tracing: { enabled: "true" } } })],
    ["no configuration", ({ chatkit_configuration: _, ...a }) => a],
    ["a configuration array", (a) => ({ ...a, chatkit_configuration: [] })],
    [
      "thread titling as text",
      (a) => ({
        ...a,
        chatkit_configuration: { ...a.chatkit_configuration, automatic_thread_titling: { enabled: "yes" } },
      }),
    ],
    [
      "no thread titling",
      (a) => ({ ...a, chatkit_configuration: { ...a.chatkit_configuration, automatic_thread_titling: undefined } }),
    ],
    ["history as null", (a) => ({ ...a, chatkit_configuration: { ...a.chatkit_configuration, history: null } })],
    [
      "no file upload",
      (a) => ({ ...a, chatkit_configuration: { ...a.chatkit_configuration, file_upload: undefined } }),
    ],
    [
      "history as a number",
      (a) => ({ ...a, chatkit_configuration: { ...a.chatkit_configuration, history: { enabled: 1 } } }),
    ],
    ["no rate limits", ({ rate_limits: _, ...a }) => a],
    ["rate limits as null", (a) => ({ ...a, rate_limits: null })],
    ["a rate limit as text", (a) => ({ ...a, rate_limits: { max_requests_per_1_minute: "10" } })],
    ["an array", (a) => [a]],
  ];
  for (const [what, breakIt] of broken) {
    it(`refuses an answer with ${what}`, () => {
      assert.equal(readSession(breakIt(session())), undefined);
    });
  }
});

describe("wire: what a create answer and a cancel answer confirm", () => {
  const answer = () => readSession(sessionAnswer())!;

  it("says why a created session cannot be used: not active, or no client secret", () => {
    assert.equal(unusableReason(answer()), undefined);
    assert.equal(unusableReason({ ...answer(), status: "expired" }), 'its status is "expired", not "active"');
    assert.equal(unusableReason({ ...answer(), client_secret: "" }), "its client_secret is empty");
  });

  it("takes a cancel as confirmed only when the answer says this session is cancelled or expired", () => {
    const session = { object: "chatkit.session", id: "cksess_1" };
    assert.equal(confirmedEnd({ ...session, status: "cancelled" }, "cksess_1"), "cancelled");
    assert.equal(confirmedEnd({ ...session, status: "expired" }, "cksess_1"), "expired");
    for (const raw of [
      { status: "cancelled" },
      { object: "chatkit.session", status: "cancelled" },
      { id: "cksess_1", status: "cancelled" },
      { object: "chatkit.thread", id: "cksess_1", status: "cancelled" },
      { ...session, status: "active" },
      { ...session, id: "cksess_2", status: "cancelled" },
      session,
      [{ id: "cksess_1", status: "cancelled" }],
      null,
      "cancelled",
    ]) {
      assert.equal(confirmedEnd(raw, "cksess_1"), undefined, JSON.stringify(raw));
    }
  });

  it("records absent optional answer fields as null, and the lifetime and renewal from the inputs", () => {
    const { inputs } = validateInputs({ user: "u", workflow: { id: "wf_1" }, expiresAfter: 300 });
    const outs = toOutputs(answer(), inputs!);
    assert.deepEqual(outs.workflow, { id: "wf_1", version: null, stateVariables: null, tracing: { enabled: true } });
    assert.deepEqual(outs.chatkitConfiguration, {
      automaticThreadTitling: { enabled: true },
      fileUpload: { enabled: false, maxFileSize: null, maxFiles: null },
      history: { enabled: true, recentThreads: null },
    });
    assert.deepEqual(outs.expiresAfter, { anchor: "created_at", seconds: 300 });
    assert.equal(outs.renewBefore, 30);
    assert.equal(outs.triggers, null);
    const { inputs: bare } = validateInputs({ user: "u", workflow: { id: "wf_1" } });
    assert.deepEqual(toOutputs(answer(), bare!).expiresAfter, { anchor: "created_at", seconds: 600 });
  });
});
