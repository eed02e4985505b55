import * as assert from "node:assert/strict";
import * as errors from "../../emulator/errors";

describe("the emulator's errors", () => {
  const answered: [string, errors.ApiError][] = [
    ["invalidBody", errors.invalidBody(errors.invalidParameter("m", "user", "invalid_type"))],
    ["notJsonBody", errors.notJsonBody()],
    ["bodyTooLarge", errors.bodyTooLarge(1)],
    ["invalidUrl", errors.invalidUrl("GET", "/x")],
    ["noApiKey", errors.noApiKey()],
    ["incorrectApiKey", errors.incorrectApiKey("sk-****")],
    ["missingBetaHeader", errors.missingBetaHeader()],
    ["rateLimited", errors.rateLimited()],
    ["workflowNotFound", errors.workflowNotFound("wf_x")],
    ["sessionNotFound", errors.sessionNotFound("cksess_x")],
    ["storeFull", errors.storeFull(1, 2)],
    ["clientSecretEnded", errors.clientSecretEnded("expired")],
    ["clientSecretUnknown", errors.clientSecretUnknown()],
    ["injectedFault", errors.injectedFault(500)],
    ["misdirected", errors.misdirected(1)],
    ["invalidFault", errors.invalidFault({ message: "m", param: null })],
    ["unknownControl", errors.unknownControl("/_emulator/x")],
    ["teachingOff", errors.teachingOff()],
    ["tooManyStreams", errors.tooManyStreams(1)],
    ["emulatorFailure", errors.emulatorFailure(new Error("x"))],
  ];

  it("has a case here for every constructor", () => {
    const constructors = Object.keys(errors).filter((name) => name !== "invalidParameter");
    assert.deepEqual(answered.map(([name]) => name).sort(), constructors.sort());
  });

  it("each is an HTTP error status and the API's envelope, its keys in the API's order", () => {
    for (const [name, { status, error }] of answered) {
      assert.ok(Number.isInteger(status) && status >= 400 && status <= 599, name);
      assert.deepEqual(Object.keys(error), ["message", "type", "param", "code"], name);
    }
  });

  it("an injected fault takes the type the API gives its status", () => {
    assert.equal(errors.injectedFault(429).error.type, "requests");
    assert.equal(errors.injectedFault(503).error.type, "server_error");
    assert.equal(errors.injectedFault(409).error.type, "invalid_request_error");
  });
});
