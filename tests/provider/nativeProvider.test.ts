import * as assert from "node:assert/strict";
import { NativeSessionProvider } from "../../provider/nativeProvider";
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
});
