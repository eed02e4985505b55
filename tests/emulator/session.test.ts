import * as assert from "node:assert/strict";
import { sessionOf, snapshotOf, statusAt, toWire } from "../../emulator/session";

describe("the emulator's session model", () => {
  const made = { id: "cksess_1", clientSecret: "ek_1", createdAt: 1000, ownerDigest: "owner" };

  it("answers a session made from the smallest body with the API's defaults, in the API's key order", () => {
    const session = sessionOf({ user: "u", workflow: { id: "wf_1" } }, made);
    assert.equal(
      JSON.stringify(toWire(session, statusAt(session, 1000))),
      JSON.stringify({
        id: "cksess_1",
        object: "chatkit.session",
        client_secret: "ek_1",
        expires_at: 1600,
        status: "active",
        user: "u",
        workflow: { id: "wf_1", version: null, state_variables: null, tracing: { enabled: true } },
        chatkit_configuration: {
          automatic_thread_titling: { enabled: true },
          file_upload: { enabled: false, max_file_size: 512, max_files: 10 },
          history: { enabled: true, recent_threads: null },
        },
        rate_limits: { max_requests_per_1_minute: 10 },
        max_requests_per_1_minute: 10,
      }),
    );
  });

  it("keeps what the body says over every default", () => {
    const session = sessionOf(
      {
        user: "u",
        workflow: { id: "wf_1", version: "2", state_variables: { a: 1 }, tracing: { enabled: false } },
        expires_after: { anchor: "created_at", seconds: 60 },
        rate_limits: { max_requests_per_1_minute: 3 },
        chatkit_configuration: {
          automatic_thread_titling: { enabled: false },
          file_upload: { enabled: true, max_file_size: 5, max_files: 2 },
          history: { enabled: false, recent_threads: 4 },
        },
      },
      made,
    );
    const wire = toWire(session, "active");
    assert.equal(wire.expires_at, 1060);
    assert.deepEqual(wire.workflow, {
      id: "wf_1",
      version: "2",
      state_variables: { a: 1 },
      tracing: { enabled: false },
    });
    assert.deepEqual(wire.chatkit_configuration, {
      automatic_thread_titling: { enabled: false },
      file_upload: { enabled: true, max_file_size: 5, max_files: 2 },
      history: { enabled: false, recent_threads: 4 },
    });
    assert.equal(wire.max_requests_per_1_minute, 3);
  });

  it("is expired from its expiry on and cancelled once cancelled; only an active one shows its secret", () => {
    const session = sessionOf({ user: "u", workflow: { id: "wf_1" } }, made);
    assert.equal(statusAt(session, 1599.9), "active");
    assert.equal(statusAt(session, 1600), "expired");
    assert.equal(statusAt({ ...session, cancelledAt: 1001 }, 1001), "cancelled");
    assert.equal(toWire(session, "expired").client_secret, "");
    assert.equal(toWire(session, "cancelled").client_secret, "");
  });

  it("hands out a frozen snapshot with its status and without its owner", () => {
    const snapshot = snapshotOf(sessionOf({ user: "u", workflow: { id: "wf_1" } }, made), "active");
    assert.equal(snapshot.status, "active");
    assert.equal("ownerDigest" in snapshot, false);
    assert.ok(Object.isFrozen(snapshot));
  });
});
