import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { TEST_API_KEY, useEmulator } from "../helpers/emulator";
import { type HostClient, startHost } from "../helpers/host";
import { markSecret, type Registration, revealSecrets, runUnderMocks, unwrap } from "../helpers/mocks";

const REPO_ROOT = path.resolve(__dirname, "../../..");
const EXAMPLES = path.resolve(__dirname, "../../examples");
const SESSION_TYPE = "pulumi-nodejs:dynamic/chatkit:Session";

/**
 * Runs each example program in-process under setMocks, forwarding every ChatKitSession
 * registration through the real dynamic-provider host (check, then create) to the emulator, and
 * marking outputs secret the way the engine does (additionalSecretOutputs, and every output at
 * the key path of a secret input).
 */
describe("the examples, run under mocks through the real provider host", function () {
  this.timeout(60_000);
  const ctx = useEmulator();
  let host: HostClient;
  let created: { registration: Registration; id: string; properties: Record<string, any> }[];

  before(async () => {
    host = await startHost({
      cwd: REPO_ROOT,
      env: { OPENAI_API_KEY: TEST_API_KEY, OPENAI_BASE_URL: ctx.emulator.url },
    });
    await host.configure({});
  });
  after(async () => {
    await host?.close();
  });

  async function runExample(
    name: string,
    project: string,
    config: Record<string, string> = {},
    secretKeys: string[] = [],
  ) {
    created = [];
    pulumi.runtime.setAllConfig(
      Object.fromEntries(Object.entries(config).map(([key, value]) => [`${project}:${key}`, value])),
      secretKeys.map((key) => `${project}:${key}`),
    );
    const { result } = await runUnderMocks(
      () => {
        // A program runs once per require: load it afresh for each run.
        const program = require.resolve(path.join(EXAMPLES, name, "index.js"));
        delete require.cache[program];
        return require(program) as Record<string, unknown>;
      },
      async (args, registration) => {
        if (args.type !== SESSION_TYPE) return { id: `${args.name}-id`, state: args.inputs };
        const checked = await host.check({}, revealSecrets(args.inputs));
        assert.deepEqual(checked.failures, [], `${args.name} passes check`);
        const session = await host.create(checked.inputs);
        created.push({ registration, id: session.id, properties: session.properties });
        const secretPaths = [...registration.secretPaths, ...registration.additionalSecretOutputs.map((key) => [key])];
        return { id: session.id, state: markSecret(session.properties, secretPaths) };
      },
      false,
      project,
    );
    for (const session of created)
      assert.equal(ctx.emulator.statusOf(ctx.emulator.sessions.get(session.id)!), "active");
    return result;
  }

  it("basic: one session; exports its id, expiry, status and a secret client secret", async () => {
    const exports = await runExample("basic", "chatkit-basic");
    assert.equal(created.length, 1);
    assert.match((await unwrap(exports.sessionId as pulumi.Output<string>)).value, /^cksess_/);
    assert.deepEqual(await unwrap(exports.status as pulumi.Output<string>), { value: "active", secret: false });
    assert.equal(typeof (await unwrap(exports.expiresAt as pulumi.Output<number>)).value, "number");
    const secret = await unwrap(exports.clientSecret as pulumi.Output<string>);
    assert.equal(secret.secret, true);
    assert.match(secret.value, /^ek_/);
  });

  it("pipeline: a short-lived session for the run, replaced by the next run", async () => {
    const exports = await runExample("pipeline", "chatkit-pipeline", { runId: "4242", ttlSeconds: "120" });
    assert.equal((await unwrap(exports.user as pulumi.Output<string>)).value, "ci-run-4242");
    assert.equal((await unwrap(exports.clientSecret as pulumi.Output<string>)).secret, true);
    const [session] = created;
    assert.deepEqual(session?.properties.expiresAfter, { anchor: "created_at", seconds: 120 });
    assert.deepEqual(session?.properties.triggers, { run: "4242" });
    const nextRun = { ...session?.registration.inputs, triggers: { run: "4243" } };
    assert.deepEqual((await host.diff(session!.id, session!.properties, nextRun)).replaces, ["triggers"]);
  });

  it("pipeline: the smoke step works with the client secret, and fails once destroy cancelled it", async () => {
    await runExample("pipeline", "chatkit-pipeline", { runId: "smoke" });
    const [session] = created;
    const smoke = (args: string[] = []) =>
      promisify(execFile)(process.execPath, [path.join(EXAMPLES, "pipeline", "smoke.js"), ...args], {
        env: {
          ...process.env,
          OPENAI_BASE_URL: ctx.emulator.url,
          CHATKIT_CLIENT_SECRET: session?.properties.clientSecret,
        },
      });
    assert.match((await smoke()).stdout, /the client secret works/);
    await assert.rejects(smoke(["--revoked"]), /still works after destroy/);
    await host.delete(session!.id, session!.properties);
    assert.match((await smoke(["--revoked"])).stdout, /revoked by destroy/);
  });

  it("multi-user: a session per tenant with its own settings; the secret state variable stays secret", async () => {
    const tenants = [
      { user: "ann@example.com", workflowVersion: "4", plan: "pro", historyThreads: 3 },
      { user: "ben@example.com", plan: "free" },
      { user: "cy@example.com", workflowVersion: "2", plan: "free", historyThreads: 1 },
    ];
    const token = "crm-token-must-stay-secret";
    const exports = await runExample(
      "multi-user",
      "chatkit-multi-user",
      { tenants: JSON.stringify(tenants), crmToken: token, rotation: "r7" },
      ["crmToken"],
    );
    assert.equal(created.length, 3);
    const byUser = Object.fromEntries(created.map((session) => [session.properties.user, session.properties]));
    assert.equal(byUser["ann@example.com"]?.workflow.version, "4");
    assert.equal(byUser["ben@example.com"]?.workflow.version, null);
    assert.deepEqual(byUser["ann@example.com"]?.chatkitConfiguration.fileUpload, {
      enabled: true,
      maxFileSize: 64,
      maxFiles: 20,
    });
    assert.equal(byUser["ben@example.com"]?.chatkitConfiguration.fileUpload.enabled, false);
    assert.equal(byUser["cy@example.com"]?.chatkitConfiguration.history.recentThreads, 1);
    assert.equal(byUser["ben@example.com"]?.rateLimits.maxRequestsPer1Minute, 10);
    for (const session of created) {
      assert.equal(session.properties.renewBefore, 120);
      assert.deepEqual(session.properties.triggers, { rotation: "r7" });
      // The engine marks the output at the key path of the secret input (the SDK may send the
      // token itself or an enclosing object as the secret): the value must sit at that path...
      const [secretPath, ...others] = session.registration.secretPaths;
      assert.deepEqual(others, []);
      assert.deepEqual(secretPath, ["workflow", "stateVariables", "crmToken"].slice(0, secretPath?.length));
      assert.equal(session.properties.workflow.stateVariables.crmToken, token);
      // ...and no other output may carry it in plaintext.
      const { workflow: _marked, clientSecret: _secret, ...rest } = session.properties;
      assert.ok(!JSON.stringify(rest).includes(token));
    }
    const sessions = await unwrap(pulumi.output(exports.tenantSessions as Record<string, unknown>));
    assert.deepEqual(Object.keys(sessions.value as object).sort(), tenants.map((t) => t.user).sort());
    const ann = (
      exports.tenantSessions as Record<
        string,
        { clientSecret: pulumi.Output<string>; sessionId: pulumi.Output<string> }
      >
    )["ann@example.com"];
    assert.equal((await unwrap(ann!.clientSecret)).secret, true);
    assert.equal((await unwrap(ann!.sessionId)).secret, false);
  });

  it("teaching: the walk-through's session, with its resolved defaults", async () => {
    const exports = await runExample("teaching", "chatkit-teaching");
    assert.equal(created.length, 1);
    assert.equal((await unwrap(exports.clientSecret as pulumi.Output<string>)).secret, true);
    assert.match((await unwrap(exports.expiresAtIso as pulumi.Output<string>)).value, /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual((await unwrap(exports.fileUpload as pulumi.Output<unknown>)).value, {
      enabled: false,
      maxFileSize: 512,
      maxFiles: 10,
    });
    assert.equal(created[0]?.properties.renewBefore, 60);
  });
});
