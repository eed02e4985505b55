import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import {
  type ApiEndpoint,
  endpointDifferences,
  endpointOf,
  keyFingerprint,
  recordedEndpoint,
} from "../../provider/endpoint";
import { SessionProvider } from "../../provider/lifecycle";
import { fingerprint } from "../../provider/redaction";
import { resolveSettings } from "../../provider/settings";
import { rejection } from "../helpers/rejection";
import { errorJson, type ScriptedServer, startScripted } from "../helpers/scripted";

const recorded: ApiEndpoint = {
  baseUrl: "https://api.openai.com/v1",
  organization: "org_1",
  project: null,
  keyFingerprint: "0123456789ab",
};

describe("endpoint: where a session lives", () => {
  it("reads the endpoint a state records; only a missing one is absent, and any other shape is unreadable", () => {
    assert.deepEqual(recordedEndpoint({ ...recorded }), { kind: "recorded", endpoint: recorded });
    assert.deepEqual(recordedEndpoint(undefined), { kind: "absent" });
    const unreadable: Array<[unknown, RegExp]> = [
      [null, /it is null/],
      [{}, /baseUrl is missing/],
      ["https://api.openai.com/v1", /it is a string, not an object/],
      [JSON.stringify(recorded), /it is a string, not an object/],
      [5, /it is a number/],
      [[recorded], /it is a list/],
      [{ baseUrl: "x" }, /keyFingerprint is missing/],
      [{ ...recorded, baseUrl: 5 }, /baseUrl is missing or not text/],
      [{ ...recorded, keyFingerprint: null }, /keyFingerprint is missing or not 12 hex digits/],
      [{ ...recorded, keyFingerprint: "sk-0123456789" }, /keyFingerprint is missing or not 12 hex digits/],
      [{ ...recorded, keyFingerprint: `x${recorded.keyFingerprint}` }, /keyFingerprint is missing or not 12/],
      [{ ...recorded, keyFingerprint: `${recorded.keyFingerprint}0` }, /keyFingerprint is missing or not 12/],
      [{ ...recorded, baseUrl: "" }, /baseUrl is missing or not text/],
      [{ ...recorded, organization: 5 }, /organization is missing, or neither text nor null/],
      [{ ...recorded, project: { id: "p" } }, /project is missing, or neither text nor null/],
      [{ baseUrl: recorded.baseUrl, keyFingerprint: recorded.keyFingerprint }, /organization is missing/],
    ];
    for (const [value, problem] of unreadable) {
      const read = recordedEndpoint(value);
      assert.equal(read.kind, "unreadable", JSON.stringify(value));
      assert.match((read as { problem: string }).problem, problem, JSON.stringify(value));
    }
  });

  it("names each part that differs between create and now, one line each", () => {
    const now = { ...recorded, organization: null, project: "proj_2", keyFingerprint: "ba9876543210" };
    assert.deepEqual(endpointDifferences(recorded, now), [
      `the organization: fingerprint ${fingerprint("org_1")} at create, none now`,
      `the project: none at create, fingerprint ${fingerprint("proj_2")} now`,
      'the API key (by fingerprint): "0123456789ab" at create, "ba9876543210" now',
    ]);
    assert.deepEqual(endpointDifferences(recorded, { ...recorded }), []);
    assert.deepEqual(endpointDifferences(recorded, { ...recorded, baseUrl: "http://127.0.0.1:8787/v1" }), [
      "the base URL: https://api.openai.com/v1 at create, http://127.0.0.1:8787/v1 now",
    ]);
    // A path other than /v1 may hold a proxy's token: told apart by fingerprint, never shown.
    const proxied = (token: string) => ({ ...recorded, baseUrl: `https://proxy.test/${token}/v1` });
    assert.deepEqual(endpointDifferences(proxied("tok-aaaa"), proxied("tok-bbbb")), [
      `the base URL: https://proxy.test (path not shown, fingerprint ${fingerprint("https://proxy.test/tok-aaaa/v1")}) at create, https://proxy.test (path not shown, fingerprint ${fingerprint("https://proxy.test/tok-bbbb/v1")}) now`,
    ]);
  });

  it("records the settings in use, each session its own copy", () => {
    const settings = resolveSettings({ organization: "org_9" }, { OPENAI_API_KEY: "sk-endpoint-test" });
    const first = endpointOf(settings);
    assert.deepEqual(first, {
      baseUrl: "https://api.openai.com/v1",
      organization: "org_9",
      project: null,
      keyFingerprint: first.keyFingerprint,
    });
    assert.match(first.keyFingerprint, /^[0-9a-f]{12}$/);
    const changed = endpointOf(settings);
    changed.project = "changed";
    assert.equal(endpointOf(settings).project, null);
  });
});

/**
 * Every shape a recorded apiEndpoint can take in a state, against an API that answers every
 * cancel with its "not found" sentence: only a state without the record (written by 0.1.0) may
 * count that 404 as done.
 */
describe("delete with a recorded apiEndpoint of any shape", function () {
  this.timeout(120_000);
  const CREATED_WITH = "sk-created-with-this-key-0123456789";
  const NOW_WITH = "sk-destroy-with-another-key-0123456789";
  const ID = "cksess_recorded_shape";
  let server: ScriptedServer;

  before(async () => {
    server = await startScripted(() => ({
      status: 404,
      body: errorJson(`Chatkit Session with id '${ID}' not found.`),
    }));
  });
  after(async () => {
    await server.close();
  });

  const lifecycle = (apiKey: string) =>
    new SessionProvider({
      env: { OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: server.url },
      sleep: async () => {},
      warn: () => {},
    });
  const state = (apiEndpoint: unknown) => ({
    status: "active",
    expiresAt: Math.floor(Date.now() / 1000) + 300,
    ...(apiEndpoint === undefined ? {} : { apiEndpoint }),
  });
  const endpointWith = (apiKey: string, baseUrl = server.url): ApiEndpoint => ({
    baseUrl,
    organization: null,
    project: null,
    keyFingerprint: keyFingerprint(apiKey),
  });

  /** Objects one step from a valid record: a key missing, or holding any other JSON value. */
  const nearValid = (valid: ApiEndpoint) =>
    fc.oneof(
      fc.constantFrom(...Object.keys(valid)).map((key) => {
        const { [key as keyof ApiEndpoint]: _dropped, ...rest } = valid;
        return rest as unknown;
      }),
      fc
        .tuple(fc.constantFrom(...(Object.keys(valid) as Array<keyof ApiEndpoint>)), fc.jsonValue())
        .filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(valid[key]))
        .map(([key, value]) => ({ ...valid, [key]: value }) as unknown),
      fc.constantFrom<unknown>(null, {}, [valid], JSON.stringify(valid), [], ""),
    );
  const anyShape = (valid: ApiEndpoint) => fc.oneof(fc.jsonValue() as fc.Arbitrary<unknown>, nearValid(valid));

  it("refuses every recorded shape when destroy points at another key: a 404 proves nothing, and the cancel is still sent", async () => {
    const created = endpointWith(CREATED_WITH, "https://api.openai.com/v1");
    const destroy = lifecycle(NOW_WITH);
    await fc.assert(
      fc.asyncProperty(anyShape(created), async (apiEndpoint) => {
        const sent = server.requests.length;
        const error = await rejection(destroy.delete(ID, state(apiEndpoint)));
        assert.equal(server.requests.length, sent + 1, "the cancel is sent");
        assert.match(
          error.message,
          new RegExp(`^ChatKit session ${ID} was not cancelled: the API answered that it is not found`),
        );
        assert.match(error.message, /pulumi state delete <urn>/);
        assert.ok(!error.message.includes(NOW_WITH) && !error.message.includes(CREATED_WITH), error.message);
      }),
      { numRuns: 300 },
    );
  });

  it("refuses a malformed record even when destroy points where the session was created, saying how to repair it", async () => {
    const here = endpointWith(CREATED_WITH);
    const destroy = lifecycle(CREATED_WITH);
    await fc.assert(
      fc.asyncProperty(nearValid(here), async (apiEndpoint) => {
        const read = recordedEndpoint(apiEndpoint);
        // A change that still reads as a record differs from here, so it is refused by its difference.
        const expected =
          read.kind === "unreadable"
            ? /apiEndpoint\) cannot be read: .*pulumi stack export/
            : /was not sent where the session was created/;
        const error = await rejection(destroy.delete(ID, state(apiEndpoint)));
        assert.match(error.message, expected, JSON.stringify(apiEndpoint));
      }),
      { numRuns: 200 },
    );
  });

  it("counts the 404 as done only for a state without the record, or one that matches where destroy points", async () => {
    await lifecycle(NOW_WITH).delete(ID, state(undefined));
    await lifecycle(CREATED_WITH).delete(ID, state(endpointWith(CREATED_WITH)));
    // Keys this version does not write do not make a record unreadable.
    await lifecycle(CREATED_WITH).delete(ID, state({ ...endpointWith(CREATED_WITH), region: "eu" }));
  });

  it("never shows the key in the refusal, even where the state holds it in place of the expiry", async () => {
    const key = "proxy-issued-key-0123456789abcdef";
    const error = await rejection(lifecycle(key).delete(ID, { ...state(null), expiresAt: key }));
    assert.match(error.message, /its expiresAt, \[redacted\], is the API's time/);
  });
});
