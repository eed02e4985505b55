import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { type HostClient, startHost } from "../../scripts/tooling/host";
import { shellCommands } from "../helpers/docs";
import { TEST_API_KEY, useEmulator } from "../helpers/emulator";
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
    for (const session of created) assert.equal(ctx.emulator.session(session.id)?.status, "active");
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

  describe("pipeline: the smoke step", () => {
    let proofDir: string;
    beforeEach(() => {
      proofDir = fs.mkdtempSync(path.join(os.tmpdir(), "chatkit-smoke-proof-"));
    });
    afterEach(() => fs.rmSync(proofDir, { recursive: true, force: true }));

    const smoke = (secret: string, baseUrl: string, args: string[] = []) =>
      promisify(execFile)(process.execPath, [path.join(EXAMPLES, "pipeline", "smoke.js"), ...args], {
        env: {
          ...process.env,
          OPENAI_BASE_URL: baseUrl,
          CHATKIT_CLIENT_SECRET: secret,
          CHATKIT_SMOKE_PROOF_DIR: proofDir,
        },
      });
    const failure = (run: Promise<unknown>) =>
      run.then(
        () => assert.fail("the smoke step passed"),
        (error: { code: number; stderr: string }) => error,
      );

    it("works with the client secret, and passes --revoked only after destroy cancelled it", async () => {
      await runExample("pipeline", "chatkit-pipeline", { runId: "smoke" });
      const [session] = created;
      const secret = session?.properties.clientSecret as string;
      const live = (await smoke(secret, ctx.emulator.url)).stdout;
      assert.match(live, /the client secret works/);
      assert.match(
        live,
        /this was the local emulator, which accepts a client secret on this call as its own assumption/,
      );
      // The proof between the two steps is named by a hash and holds no secret.
      const proofs = fs.readdirSync(proofDir);
      assert.equal(proofs.length, 1);
      assert.ok(
        !proofs[0]!.includes(secret) && !fs.readFileSync(path.join(proofDir, proofs[0]!), "utf8").includes(secret),
      );
      assert.match((await failure(smoke(secret, ctx.emulator.url, ["--revoked"]))).stderr, /still works after destroy/);
      await host.delete(session!.id, session!.properties);
      assert.match((await smoke(secret, ctx.emulator.url, ["--revoked"])).stdout, /revoked by destroy/);
    });

    it("fails --revoked when no live call with the same secret succeeded earlier in the run: a 401 proves nothing", async () => {
      await runExample("pipeline", "chatkit-pipeline", { runId: "smoke-unproven" });
      const [session] = created;
      await host.delete(session!.id, session!.properties);
      const secret = session?.properties.clientSecret as string;
      const { code, stderr } = await failure(smoke(secret, ctx.emulator.url, ["--revoked"]));
      assert.equal(code, 1);
      assert.match(
        stderr,
        /no call with this client secret succeeded earlier in this run, so a 401 now would prove nothing/,
      );
    });

    it("says the emulator forgot the session (a restart) when it does not know the client secret, not that the assumption fails", async () => {
      const { code, stderr } = await failure(smoke("ek_issued_before_the_emulator_restarted_0123", ctx.emulator.url));
      assert.equal(code, 1);
      assert.match(stderr, /the local emulator does not know this client secret/);
      assert.match(stderr, /it was restarted since `pulumi up`/);
      assert.doesNotMatch(stderr, /assumption does not hold/);
    });

    it("says the session ended when the emulator refuses a cancelled session's secret on the live call", async () => {
      await runExample("pipeline", "chatkit-pipeline", { runId: "smoke-ended" });
      const [session] = created;
      await host.delete(session!.id, session!.properties);
      const { code, stderr } = await failure(smoke(session?.properties.clientSecret as string, ctx.emulator.url));
      assert.equal(code, 1);
      assert.match(stderr, /the session behind this client secret has ended/);
      assert.doesNotMatch(stderr, /restarted|assumption does not hold/);
    });

    it("says a forgotten secret proves nothing after destroy", async () => {
      const { stderr } = await failure(
        smoke("ek_issued_before_the_emulator_restarted_0123", ctx.emulator.url, ["--revoked"]),
      );
      assert.doesNotMatch(stderr, /revoked by destroy/);
    });

    it("fails, naming the assumption and the documented check, when the API refuses the client secret on the live call", async () => {
      // An API that takes only API keys on this call, answering a client secret as the OpenAI API
      // answers any key it does not know.
      const api = http.createServer((_req, res) => {
        res.writeHead(401, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            error: {
              message: "Incorrect API key provided: ek_abc***wxyz.",
              type: "invalid_request_error",
              param: null,
              code: "invalid_api_key",
            },
          }),
        );
      });
      await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
      const baseUrl = `http://127.0.0.1:${(api.address() as { port: number }).port}/v1`;
      try {
        const secret = "ek_live_secret_the_api_refuses_0123456789";
        const live = await failure(smoke(secret, baseUrl));
        assert.equal(live.code, 1);
        assert.match(
          live.stderr,
          /the API refused the client secret on GET \/v1\/chatkit\/threads \(HTTP 401 invalid_api_key\)/,
        );
        assert.match(
          live.stderr,
          /assumes that a live session's client secret is accepted as a bearer token on that call/,
        );
        assert.match(live.stderr, /A check that uses only documented behaviour/);
        assert.ok(!live.stderr.includes(secret) && !live.stderr.includes("ek_abc"), "no secret or fragment printed");
        assert.deepEqual(fs.readdirSync(proofDir), [], "no proof of a call that failed");
        // ...so the revoked step cannot pass on the 401 it gets.
        assert.match((await failure(smoke(secret, baseUrl, ["--revoked"]))).stderr, /a 401 now would prove nothing/);
      } finally {
        api.close();
      }
    });
    it("authenticates with the client secret alone, whatever OPENAI_CUSTOM_HEADERS says", async () => {
      // A stand-in that accepts any bearer: only what it was sent shows which credential was used.
      const sent: (string | undefined)[] = [];
      const api = http.createServer((req, res) => {
        sent.push(req.headers.authorization);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ object: "list", data: [], has_more: false }));
      });
      await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
      const baseUrl = `http://127.0.0.1:${(api.address() as { port: number }).port}/v1`;
      const secret = "ek_live_secret_of_this_run_0123456789";
      try {
        const run = promisify(execFile)(process.execPath, [path.join(EXAMPLES, "pipeline", "smoke.js")], {
          env: {
            ...process.env,
            OPENAI_BASE_URL: baseUrl,
            CHATKIT_CLIENT_SECRET: secret,
            CHATKIT_SMOKE_PROOF_DIR: proofDir,
            OPENAI_CUSTOM_HEADERS: "Authorization: Bearer sk-proj-another-key-that-works",
          },
        });
        assert.match((await run).stdout, /the client secret works/);
        assert.deepEqual(sent, [`Bearer ${secret}`]);
      } finally {
        api.close();
      }
    });

    it("never prints the client secret or a fragment of it when the API fails the call otherwise", async () => {
      const secret = "ek_live_secret_the_api_echoes_0123456789";
      for (const status of [400, 404, 422]) {
        // An API, proxy or gateway whose error message repeats the bearer token it was given.
        const api = http.createServer((_req, res) => {
          res.writeHead(status, { "content-type": "application/json", "x-request-id": "req_smoke_echo" });
          res.end(
            JSON.stringify({
              error: {
                message: `Token ${secret} is not valid here (ek_liv****6789).`,
                type: "invalid_request_error",
                param: null,
                code: "bad_token",
              },
            }),
          );
        });
        await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
        const baseUrl = `http://127.0.0.1:${(api.address() as { port: number }).port}/v1`;
        try {
          const { code, stdout, stderr } = (await failure(smoke(secret, baseUrl))) as {
            code: number;
            stdout: string;
            stderr: string;
          };
          assert.equal(code, 1);
          assert.match(
            stderr,
            new RegExp(`HTTP ${status} invalid_request_error bad_token \\(request id req_smoke_echo\\)`),
          );
          assert.ok(!`${stdout}${stderr}`.includes("ek_liv"), `no secret or fragment printed after HTTP ${status}`);
        } finally {
          api.close();
        }
      }
    });
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

  it("multi-user: the README's walk-through works as written, a version set as a number included", async () => {
    // Each `pulumi config set` line of the README, stored the way the CLI stores it: with --path,
    // a value that reads as a number is stored as a number.
    const config: Record<string, any> = {};
    const secrets: string[] = [];
    const scalar = (text: string) => (/^-?\d+$/.test(text) ? Number(text) : text);
    for (const command of shellCommands(path.join(REPO_ROOT, "examples", "multi-user", "README.md"))) {
      const match = /^pulumi config set (--path |--secret )?'?([^' ]+)'? '?([^']+?)'?(?: && .*)?$/.exec(command);
      if (!match) continue;
      const [, flag, key, value] = match as unknown as [string, string | undefined, string, string];
      if (flag?.trim() === "--secret") secrets.push(key);
      if (flag?.trim() !== "--path") {
        config[key] = value;
        continue;
      }
      const [, name, index, field] = /^(\w+)\[(\d+)\]\.(\w+)$/.exec(key) as unknown as [string, string, string, string];
      config[name] ??= [];
      config[name][Number(index)] ??= {};
      config[name][Number(index)][field] = scalar(value);
    }
    assert.equal(config.tenants?.[0]?.workflowVersion, 3, "the walk-through sets a number");
    await runExample(
      "multi-user",
      "chatkit-multi-user",
      Object.fromEntries(
        Object.entries(config).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
      ),
      secrets,
    );
    const byUser = Object.fromEntries(created.map((session) => [session.properties.user, session.properties]));
    assert.equal(byUser["alice@example.com"]?.workflow.version, "3");
    assert.equal(byUser["alice@example.com"]?.chatkitConfiguration.history.recentThreads, 20);
    assert.equal(byUser["bob@example.com"]?.workflow.version, null);
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
