import * as assert from "node:assert/strict";
import { canonicalJson, effectiveRenewBefore, normalize } from "../../provider/normalize";

describe("normalize", () => {
  it("applies the documented defaults, so omitted, explicit and resolved-null compare equal", () => {
    const omitted = normalize({ user: "u", workflow: { id: "wf_1" } });
    const explicit = normalize({
      user: "u",
      workflow: { id: "wf_1", stateVariables: {}, tracing: { enabled: true } },
      chatkitConfiguration: {
        automaticThreadTitling: { enabled: true },
        fileUpload: { enabled: false, maxFileSize: 512, maxFiles: 10 },
        history: { enabled: true },
      },
      expiresAfter: { anchor: "created_at", seconds: 600 },
      rateLimits: { maxRequestsPer1Minute: 10 },
      renewBefore: 60,
      triggers: {},
    });
    const resolved = normalize({
      user: "u",
      workflow: { id: "wf_1", version: null, stateVariables: null, tracing: { enabled: true } },
      chatkitConfiguration: { history: { enabled: true, recentThreads: null }, fileUpload: { maxFileSize: null } },
      triggers: null,
    });
    assert.equal(canonicalJson(explicit), canonicalJson(omitted));
    assert.equal(canonicalJson(resolved), canonicalJson(omitted));
  });

  it("defaults renewBefore to a tenth of the lifetime, at most a minute", () => {
    assert.equal(effectiveRenewBefore({}), 60);
    assert.equal(effectiveRenewBefore({ expiresAfter: 300 }), 30);
    assert.equal(effectiveRenewBefore({ expiresAfter: { seconds: 9 } }), 0);
    assert.equal(effectiveRenewBefore({ expiresAfter: 300, renewBefore: 100 }), 100);
  });

  it("writes canonical JSON with sorted keys", () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } }),
      '{"a":{"d":[1,{"x":1,"y":2}]},"b":1}',
    );
  });
});
