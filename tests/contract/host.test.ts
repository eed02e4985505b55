import * as assert from "node:assert/strict";
import * as path from "node:path";
import { UNKNOWN } from "../../provider/unknown";
import { type HostClient, startHost } from "../../scripts/tooling/host";
import { TEST_API_KEY, useEmulator } from "../helpers/emulator";
import { serializedProvider } from "../helpers/mocks";
import { rejection } from "../helpers/rejection";

const REPO_ROOT = path.resolve(__dirname, "../../..");

describe("the provider through the real dynamic-provider host (gRPC)", function () {
  this.timeout(60_000);
  const ctx = useEmulator();
  let host: HostClient;
  let provider: string;
  const inputs = () => ({ __provider: provider, user: "contract-user", workflow: { id: "wf_contract" } });

  before(async () => {
    provider = await serializedProvider();
    // The key comes only from stack config: the host's environment has none.
    host = await startHost({ cwd: REPO_ROOT, env: { OPENAI_API_KEY: "", OPENAI_BASE_URL: "" } });
    await host.configure({ "chatkit:apiKey": TEST_API_KEY, "chatkit:baseUrl": ctx.emulator.url });
  });
  after(async () => {
    await host?.close();
  });

  it("checks good inputs and reports bad ones by path", async () => {
    const good = await host.check({}, inputs());
    assert.deepEqual(good.failures, []);
    assert.equal(good.inputs.__provider, provider);
    const bad = await host.check({}, { ...inputs(), expiresAfter: 1800, scope: { project: "alpha" } });
    assert.deepEqual(
      bad.failures.map((f) => f.property),
      ["expiresAfter.seconds", "scope"],
    );
    assert.match(bad.failures[0]?.reason ?? "", /at most 600/);
  });

  it("passes unknown preview values", async () => {
    const result = await host.check({}, { ...inputs(), user: UNKNOWN });
    assert.deepEqual(result.failures, []);
  });

  it("runs the whole lifecycle: create, diff, update, read, delete", async () => {
    const created = await host.create(inputs());
    assert.match(created.id, /^cksess_/);
    assert.equal(created.properties.__provider, provider);
    assert.equal(created.properties.status, "active");
    assert.match(created.properties.clientSecret, /^ek_/);

    const state = created.properties;
    assert.deepEqual(await host.diff(created.id, state, inputs()), { changes: "none", replaces: [] });
    assert.deepEqual(await host.diff(created.id, state, { ...inputs(), user: "someone-else" }), {
      changes: "some",
      replaces: ["user"],
    });
    const expired = { ...state, expiresAt: Math.floor(Date.now() / 1000) - 1 };
    assert.deepEqual(await host.diff(created.id, expired, inputs()), { changes: "some", replaces: ["expiresAt"] });

    const renew = { ...inputs(), renewBefore: 90 };
    assert.deepEqual(await host.diff(created.id, state, renew), { changes: "some", replaces: [] });
    const updated = await host.update(created.id, state, renew);
    assert.equal(updated.properties.renewBefore, 90);
    assert.equal(updated.properties.clientSecret, state.clientSecret);

    const live = await host.read(created.id, state);
    assert.equal(live.id, created.id);
    assert.deepEqual(live.properties, state);
    const refreshed = await host.read(created.id, expired);
    assert.deepEqual([refreshed.id, refreshed.properties.status], [created.id, "expired"]);

    await host.delete(created.id, state);
    assert.equal(ctx.emulator.session(created.id)?.status, "cancelled");
    await host.delete(created.id, state);
  });

  it("fails an import, sent as the engine sends it (no properties), before any provider code runs", async () => {
    const error = await rejection(host.read("cksess_imported", {}));
    assert.match(error.message, /code must be a string, not undefined/);
  });

  it("keeps the API key out of errors", async () => {
    const error = await rejection(host.create({ ...inputs(), workflow: { id: "not-a-workflow" } }));
    assert.match(error.message, /HTTP 404/);
    assert.ok(!error.message.includes(TEST_API_KEY));
    assert.ok(!host.stderr().includes(TEST_API_KEY));
  });
});
