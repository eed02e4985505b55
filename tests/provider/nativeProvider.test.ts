import * as assert from "node:assert/strict";
import { NativeSessionProvider } from "../../provider/nativeProvider";
import { computedOutputsSchema } from "../../provider/packageSchema";
import { validateInputs } from "../../provider/schema";
import { isSecretValue, reveal, secret } from "../../provider/secretMarks";
import { TEST_API_KEY, useEmulator } from "../helpers/emulator";

const URN = "urn:pulumi:dev::project::chatkit:index:Session::session";
const INPUTS = { user: "native-user", workflow: { id: "wf_native" } };

describe("provider/nativeProvider: the lifecycle served as chatkit:index:Session", () => {
  const context = useEmulator();
  const configured = async (args: Record<string, unknown> = {}) => {
    const provider = new NativeSessionProvider({ version: "1.2.3", lifecycle: { env: {} } });
    await provider.configure({ apiKey: secret(TEST_API_KEY), baseUrl: context.emulator.url, ...args });
    return provider;
  };

  it("serves the package schema under its version", async () => {
    const schema = JSON.parse(await new NativeSessionProvider({ version: "1.2.3" }).getSchema());
    assert.equal(schema.name, "chatkit");
    assert.equal(schema.version, "1.2.3");
  });

  it("checks with the dynamic provider's messages, giving the inputs back with their secret marks", async () => {
    const provider = await configured();
    const news = { ...INPUTS, user: secret("native-user"), expiresAfter: 900 };
    const result = await provider.check(URN, {}, news);
    assert.deepEqual(result.inputs, news);
    assert.deepEqual(result.failures, validateInputs(reveal(news)).failures);
    assert.equal(result.failures?.length, 1);
  });

  it("creates with the key given to configure, the client secret and every secret input's output marked secret", async () => {
    const provider = await configured();
    const { id, outs } = await provider.create(URN, { ...INPUTS, user: secret("native-user") });
    assert.equal(context.emulator.session(id)?.status, "active");
    assert.ok(isSecretValue(outs.clientSecret));
    assert.equal(reveal(outs.clientSecret), context.emulator.session(id)?.clientSecret);
    assert.ok(isSecretValue(outs.user));
    for (const key of ["workflow", "expiresAt", "renewBefore", "apiEndpoint"])
      assert.ok(!isSecretValue(outs[key]), key);
  });

  it("keeps what expiresAfter derives secret when it is, and apiEndpoint when a setting it records was", async () => {
    const provider = await configured({ baseUrl: secret(context.emulator.url) });
    const { outs } = await provider.create(URN, { ...INPUTS, expiresAfter: secret(300) });
    for (const key of ["expiresAfter", "expiresAt", "renewBefore", "apiEndpoint"])
      assert.ok(isSecretValue(outs[key]), key);
  });

  it("keeps the state's secrets secret through refresh and an update, and cancels on delete", async () => {
    const provider = await configured();
    const { id, outs } = await provider.create(URN, INPUTS);
    const read = await provider.read(id, URN, outs);
    assert.equal(read.id, id);
    assert.ok(isSecretValue(read.props.clientSecret));
    assert.deepEqual(reveal(read.props), reveal(outs));
    const update = await provider.update(id, URN, read.props, { ...INPUTS, renewBefore: 30 });
    assert.ok(isSecretValue(update.outs.clientSecret));
    assert.equal(reveal(update.outs).renewBefore, 30);
    await provider.delete(id, URN, update.outs);
    assert.equal(context.emulator.session(id)?.status, "cancelled");
  });

  it("gives valid inputs back as they came, with no failures", async () => {
    const provider = await configured();
    const news = { ...INPUTS, user: secret("native-user") };
    assert.deepEqual(await provider.check(URN, {}, news), { inputs: news });
  });

  it("marks what expiresAfter derives secret at an update when only the new inputs give it as a secret", async () => {
    const provider = await configured();
    const { id, outs } = await provider.create(URN, { ...INPUTS, expiresAfter: 600 });
    const update = await provider.update(id, URN, outs, { ...INPUTS, expiresAfter: secret(600), renewBefore: 30 });
    for (const key of ["expiresAfter", "expiresAt", "renewBefore"]) assert.ok(isSecretValue(update.outs[key]), key);
    assert.ok(!isSecretValue(update.outs.user));
  });

  it("keeps apiEndpoint secret when it is not known whether a setting it records was one (no configure yet)", async () => {
    const provider = new NativeSessionProvider({
      version: "1.2.3",
      lifecycle: { env: { OPENAI_API_KEY: TEST_API_KEY, OPENAI_BASE_URL: context.emulator.url } },
    });
    const { id, outs } = await provider.create(URN, INPUTS);
    assert.equal(context.emulator.session(id)?.status, "active");
    assert.ok(isSecretValue(outs.apiEndpoint));
  });

  it("records outputs of the kinds the package schema declares, an expired session's status too", async () => {
    const provider = await configured();
    const computed = Object.keys(computedOutputsSchema.shape);
    const pick = (props: Record<string, unknown>) =>
      Object.fromEntries(computed.map((key) => [key, reveal(props[key])]));
    const { id, outs } = await provider.create(URN, INPUTS);
    assert.equal(computedOutputsSchema.parse(pick(outs)).status, "active");
    const read = await provider.read(id, URN, { ...outs, expiresAt: 1 });
    assert.equal(computedOutputsSchema.parse(pick(read.props)).status, "expired");
  });

  it("diffs as the dynamic provider does: an edit of the user replaces", async () => {
    const provider = await configured();
    const { id, outs } = await provider.create(URN, INPUTS);
    const diff = await provider.diff(id, URN, outs, { ...INPUTS, user: secret("someone-else") });
    assert.deepEqual(diff.replaces, ["user"]);
  });

  it("refuses an import, saying why and what to do", async () => {
    const provider = await configured();
    await assert.rejects(
      provider.read("cksess_123", URN, {}),
      /cannot be imported: the API has no call that reads a session/,
    );
  });

  it("refuses a misspelled setting at configure, and every call after it", async () => {
    const provider = new NativeSessionProvider({ version: "1.2.3", lifecycle: { env: {} } });
    await assert.rejects(
      provider.configure({ apikey: secret(TEST_API_KEY) }),
      /chatkit:apikey .*did you mean chatkit:apiKey/,
    );
    await assert.rejects(provider.create(URN, INPUTS), /did you mean chatkit:apiKey/);
  });

  it("reads numbers given as numbers, as an explicit provider's inputs are", async () => {
    await assert.rejects(
      configured({ timeoutSeconds: 0 }),
      /chatkit:timeoutSeconds must be a number above 0 .* got "0"/,
    );
    const provider = await configured({ timeoutSeconds: 5, maxRetries: 0 });
    const { id } = await provider.create(URN, INPUTS);
    assert.equal(context.emulator.session(id)?.status, "active");
  });

  it("marks the API key secret at CheckConfig, so a key set without --secret is encrypted in the state", () => {
    const provider = new NativeSessionProvider({ version: "1.2.3" });
    const { inputs, failures } = provider.checkConfig({ apiKey: TEST_API_KEY, baseUrl: "http://127.0.0.1:1/v1" });
    assert.ok(isSecretValue(inputs.apiKey));
    assert.equal(reveal(inputs.apiKey), TEST_API_KEY);
    assert.equal(inputs.baseUrl, "http://127.0.0.1:1/v1");
    assert.deepEqual(failures, []);
    assert.ok(isSecretValue(provider.checkConfig({ apiKey: secret(TEST_API_KEY) }).inputs.apiKey));
  });

  it("refuses a setting of the wrong kind, naming it, at CheckConfig and at configure", async () => {
    const provider = new NativeSessionProvider({ version: "1.2.3", lifecycle: { env: {} } });
    assert.deepEqual(provider.checkConfig({ apiKey: 12345, timeoutSeconds: "5", maxRetries: { n: 1 } }).failures, [
      { property: "apiKey", reason: "apiKey must be a string, got a number" },
      { property: "maxRetries", reason: "maxRetries must be a number, got an object" },
    ]);
    await assert.rejects(
      provider.configure({ apiKey: { nested: secret(TEST_API_KEY) } }),
      /apiKey must be a string, got an object/,
    );
  });

  it("names the kind of every wrong value at CheckConfig", () => {
    const provider = new NativeSessionProvider({ version: "1.2.3" });
    const { failures } = provider.checkConfig({
      apiKey: null,
      organization: true,
      baseUrl: [1],
      timeoutSeconds: false,
    });
    assert.deepEqual(Object.fromEntries(failures.map(({ property, reason }) => [property, reason])), {
      apiKey: "apiKey must be a string, got null",
      organization: "organization must be a string, got a boolean",
      baseUrl: "baseUrl must be a string, got an array",
      timeoutSeconds: "timeoutSeconds must be a number, got a boolean",
    });
  });

  it("words every settings message of an explicit provider by its inputs, a default provider's by the stack config", async () => {
    const own = "urn:pulumi:dev::project::pulumi:providers:chatkit::own";
    const failure = async (args: Record<string, unknown>, urn?: string) => {
      const provider = new NativeSessionProvider({ version: "1.2.3", lifecycle: { env: {} } });
      const error = await provider.configure(args, urn).then(
        () => assert.fail("configure succeeded"),
        (error: Error) => error,
      );
      return error.message;
    };
    const misspelled = await failure({ apikey: "sk-1" }, own);
    assert.match(misspelled, /^input apikey of the provider resource own is not a setting .*did you mean apiKey\?/);
    const header = await failure({ apiKey: "sk-1", organization: "org\nx" }, own);
    assert.match(header, /^The organization \(from input organization of the provider resource own\) holds/);
    const url = await failure({ apiKey: "sk-1", baseUrl: "http://user:pw@127.0.0.1:1/v1" }, own);
    assert.match(
      url,
      /^input baseUrl of the provider resource own must not hold a user name .* give the key in apiKey or/,
    );
    for (const message of [misspelled, header, url]) assert.doesNotMatch(message, /chatkit:|[Ss]tack config/);
    const byDefault = await failure({ apiKey: "sk-1", organization: "org\nx" });
    assert.match(byDefault, /^The organization \(from stack config chatkit:organization\) holds/);
  });

  it("words an explicit provider's failures by its inputs, not the stack config", async () => {
    const own = "urn:pulumi:dev::project::pulumi:providers:chatkit::own";
    const provider = new NativeSessionProvider({ version: "1.2.3", lifecycle: { env: {} } });
    await assert.rejects(
      provider.configure({ timeoutSeconds: 0 }, own),
      /^Error: input timeoutSeconds of the provider resource own must be a number above 0/,
    );
    await assert.rejects(provider.configure({ apiKey: "" }, own), /apiKey of the provider resource own is empty/);
    await provider.configure({ baseUrl: context.emulator.url }, own);
    await assert.rejects(
      provider.create(URN, INPUTS),
      /No OpenAI API key: the provider resource own has no apiKey input and the environment variable OPENAI_API_KEY is not set/,
    );
    const byDefault = new NativeSessionProvider({ version: "1.2.3", lifecycle: { env: {} } });
    await assert.rejects(
      byDefault.configure({ timeoutSeconds: 0 }, "urn:pulumi:dev::project::pulumi:providers:chatkit::default_0_2_0"),
      /Stack config chatkit:timeoutSeconds must be a number above 0/,
    );
  });

  it("does not take a 404 as proof a session is gone when its state records no apiEndpoint", async () => {
    const provider = await configured();
    await assert.rejects(
      provider.delete("cksess_doesnotexist", URN, { user: "u" }),
      /apiEndpoint\) cannot be read: it is missing/,
    );
    // A record that is there but malformed is told as what is wrong with it.
    await assert.rejects(
      provider.delete("cksess_doesnotexist", URN, { user: "u", apiEndpoint: { baseUrl: "" } }),
      /apiEndpoint\) cannot be read: its baseUrl is missing or not text/,
    );
  });
});
