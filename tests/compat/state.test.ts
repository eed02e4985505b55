import * as assert from "node:assert/strict";
import * as path from "node:path";
import * as fc from "fast-check";
import type { SessionSeed } from "../../emulator/server";
import { type HostClient, startHost } from "../../scripts/tooling/host";
import { ChatKitSession } from "../../sdk/chatkitSession";
import { assertExpiresAfter, TEST_API_KEY, useEmulator } from "../helpers/emulator";
import { runUnderMocks, serializedProvider } from "../helpers/mocks";
import { CLOCK_SHIFT_VARIABLE } from "../helpers/shiftClock";
import { leafShapes, loadStateFixtures, type StateFixture } from "./stateFixtures";

const REPO_ROOT = path.resolve(__dirname, "../../..");

/** The fixture's session as the API holds it, put back into the emulator under its recorded id. */
function sessionAsRecorded(fixture: StateFixture): SessionSeed {
  const { outputs } = fixture;
  return {
    id: fixture.id,
    clientSecret: outputs.clientSecret,
    user: outputs.user,
    workflowId: outputs.workflow.id,
    createdAt: outputs.expiresAt - outputs.expiresAfter.seconds,
    expiresAt: outputs.expiresAt,
    // Cancelled elsewhere just before it was recorded.
    ...(fixture.apiStatus === "cancelled" ? { cancelledAt: fixture.at } : {}),
    // The emulator keeps a session visible only to the key that created it.
    apiKey: TEST_API_KEY,
  };
}

/** The outputs without the values that differ between any two sessions. */
function comparable(outputs: Record<string, any>): Record<string, any> {
  const { __provider: _provider, clientSecret: _secret, expiresAt: _expiresAt, ...rest } = outputs;
  return rest;
}

/**
 * State that a released version wrote (tests/fixtures/state/<version>/), run by this version
 * through the real dynamic-provider host: the state's own `__provider` text for refresh and
 * destroy, today's for check, diff and update, as the engine does after an upgrade. The host's
 * clock and the emulator's are set to the moment each fixture was recorded. A fixture that stops
 * working here is a breaking change.
 */
describe("state written by earlier versions, run by this version through the real host", function () {
  this.timeout(60_000);
  const ctx = useEmulator();
  let provider: string;

  before(async () => {
    provider = await serializedProvider();
  });

  it("the resource keeps the type token recorded in state", async () => {
    const { registrations } = await runUnderMocks(
      () => new ChatKitSession("compat", { user: "compat", workflow: { id: "wf_compat" } }),
    );
    for (const { name, fixture } of loadStateFixtures()) assert.equal(registrations[0]?.type, fixture.type, name);
  });

  it("the output comparison notices any renamed key", () => {
    const { fixture } = loadStateFixtures().find(({ fixture }) => fixture.session === "full")!;
    const keyPaths = leafShapes(fixture.outputs).map((leaf) => leaf.split(": ")[0]!.split("."));
    fc.assert(
      fc.property(fc.constantFrom(...keyPaths), fc.integer({ min: 0, max: 5 }), (keys, depth) => {
        const renamed = structuredClone(fixture.outputs);
        let parent: Record<string, any> = renamed;
        const at = Math.min(depth, keys.length - 1);
        for (const key of keys.slice(0, at)) parent = parent[key];
        const key = keys[at]!;
        parent[`${key}Renamed`] = parent[key];
        delete parent[key];
        const missing = leafShapes(fixture.outputs).filter((leaf) => !leafShapes(renamed).includes(leaf));
        assert.ok(missing.length > 0, `renaming ${keys.slice(0, at + 1).join(".")} went unnoticed`);
      }),
    );
  });

  for (const { name, fixture } of loadStateFixtures()) {
    describe(`${name}: a ${fixture.session} session, ${fixture.situation}`, () => {
      let host: HostClient;
      /** The session as the API has it now; undefined once the emulator has forgotten it. */
      const apiStatus = () => ctx.emulator.session(fixture.id)?.status;
      /** The inputs of the same program under this version: the recorded inputs, today's provider. */
      const news = (changes: Record<string, unknown> = {}) => ({ ...fixture.inputs, __provider: provider, ...changes });

      before(async () => {
        ctx.emulator.advanceClock(fixture.at - ctx.emulator.nowSeconds());
        const restored = ctx.emulator.restoreSession(sessionAsRecorded(fixture));
        assert.equal(restored.status, fixture.apiStatus, "the session is back as recorded");
        host = await startHost({
          cwd: REPO_ROOT,
          env: {
            OPENAI_API_KEY: "",
            OPENAI_BASE_URL: "",
            // The host's clock reads the moment the fixture was recorded, then moves on.
            [CLOCK_SHIFT_VARIABLE]: String(fixture.at * 1000 - Date.now()),
            NODE_OPTIONS:
              `${process.env.NODE_OPTIONS ?? ""} --require ${require.resolve("../helpers/shiftClock")}`.trim(),
          },
        });
        await host.configure({ "chatkit:apiKey": TEST_API_KEY, "chatkit:baseUrl": ctx.emulator.url });
      });
      after(async () => {
        await host?.close();
      });

      it("the same program's inputs still pass check", async () => {
        const checked = await host.check(fixture.inputs, news());
        assert.deepEqual(checked.failures, []);
      });

      it("a changed workflow replaces the session", async () => {
        const changed = await host.diff(fixture.id, fixture.outputs, news({ workflow: { id: "wf_compat_other" } }));
        assert.equal(changed.changes, "some");
        assert.ok(changed.replaces.includes("workflow"), `replaces ${JSON.stringify(changed.replaces)}`);
      });

      if (fixture.situation === "live") {
        it("refresh keeps the session, every recorded output as it was", async () => {
          const refreshed = await host.read(fixture.id, fixture.outputs, fixture.inputs);
          assert.equal(refreshed.id, fixture.id);
          for (const [key, value] of Object.entries(fixture.outputs)) {
            assert.deepEqual(refreshed.properties[key], value, `output ${key}`);
          }
        });

        it("up with the same inputs keeps the session", async () => {
          assert.deepEqual(await host.diff(fixture.id, fixture.outputs, news()), { changes: "none", replaces: [] });
        });

        it("a new renewBefore updates in place, keeping the session and its secret", async () => {
          const renew = news({ renewBefore: 90 });
          assert.deepEqual(await host.diff(fixture.id, fixture.outputs, renew), { changes: "some", replaces: [] });
          const updated = await host.update(fixture.id, fixture.outputs, renew);
          assert.equal(updated.properties.renewBefore, 90);
          assert.deepEqual(comparable({ ...updated.properties, renewBefore: fixture.outputs.renewBefore }), {
            ...comparable(fixture.outputs),
          });
          assert.equal(updated.properties.clientSecret, fixture.outputs.clientSecret);
          assert.equal(updated.properties.expiresAt, fixture.outputs.expiresAt);
        });

        it("a new session from the same inputs has every recorded output key, type and value", async () => {
          const before = ctx.emulator.nowSeconds();
          const created = await host.create(news());
          const missing = leafShapes(fixture.outputs).filter((leaf) => !leafShapes(created.properties).includes(leaf));
          assert.deepEqual(missing, [], "output keys (with types) of the recorded state that a new session lacks");
          for (const [key, value] of Object.entries(comparable(fixture.outputs))) {
            assert.deepEqual(created.properties[key], value, `output ${key}`);
          }
          // The API's clock was put at the recorded moment: the expiry is the recorded lifetime after
          // the create, on that clock, whatever real time the tests before took.
          assertExpiresAfter(ctx.emulator, before, created.properties.expiresAt, fixture.outputs.expiresAfter.seconds);
          await host.delete(created.id, created.properties);
        });

        it("destroy cancels the session on the API", async () => {
          await host.delete(fixture.id, fixture.outputs);
          assert.equal(apiStatus(), "cancelled");
        });
      }

      if (fixture.situation === "expired") {
        it("refresh marks the session expired, and the next up replaces it", async () => {
          const refreshed = await host.read(fixture.id, fixture.outputs, fixture.inputs);
          assert.equal(refreshed.id, fixture.id);
          assert.equal(refreshed.properties.status, "expired");
          for (const [key, value] of Object.entries(fixture.outputs)) {
            if (key !== "status") assert.deepEqual(refreshed.properties[key], value, `output ${key}`);
          }
          const next = await host.diff(fixture.id, refreshed.properties, news());
          assert.equal(next.changes, "some");
          assert.ok(next.replaces.length > 0, "replaced, not updated");
        });

        it("up with the same inputs replaces the session", async () => {
          const same = await host.diff(fixture.id, fixture.outputs, news());
          assert.equal(same.changes, "some");
          assert.ok(same.replaces.length > 0, "replaced, not updated");
        });

        it("destroy succeeds", async () => {
          await host.delete(fixture.id, fixture.outputs);
          // Ended long before it was recorded, the emulator may have forgotten it already.
          assert.ok([undefined, "expired"].includes(apiStatus()), apiStatus());
        });
      }

      if (fixture.situation === "cancelled") {
        it("refresh and up run (the API cannot tell this version the session was cancelled)", async () => {
          await host.read(fixture.id, fixture.outputs, fixture.inputs);
          await host.diff(fixture.id, fixture.outputs, news());
        });

        it("destroy succeeds: a session cancelled already counts as done", async () => {
          await host.delete(fixture.id, fixture.outputs);
          assert.equal(apiStatus(), "cancelled");
        });
      }
    });
  }
});
