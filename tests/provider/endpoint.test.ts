import * as assert from "node:assert/strict";
import { type ApiEndpoint, endpointDifferences, endpointOf, recordedEndpoint } from "../../provider/endpoint";
import { fingerprint } from "../../provider/redaction";
import { resolveSettings } from "../../provider/settings";

const recorded: ApiEndpoint = {
  baseUrl: "https://api.openai.com/v1",
  organization: "org_1",
  project: null,
  keyFingerprint: "0123456789ab",
};

describe("endpoint: where a session lives", () => {
  it("reads the endpoint a state records, and nothing from a state without a readable one", () => {
    assert.deepEqual(recordedEndpoint({ ...recorded }), recorded);
    for (const unreadable of [undefined, null, "https://api.openai.com/v1", 5, {}, { baseUrl: "x" }]) {
      assert.equal(recordedEndpoint(unreadable), undefined, JSON.stringify(unreadable));
    }
    // An organization or project that is not text is read as none, not taken as it is.
    assert.deepEqual(recordedEndpoint({ ...recorded, organization: 5, project: { id: "p" } }), {
      ...recorded,
      organization: null,
      project: null,
    });
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
