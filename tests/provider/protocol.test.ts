import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { APIError } from "openai";
import { isAlreadyGone } from "../../provider/protocol";

describe("isAlreadyGone: only the API's own sentence about this session confirms it is gone", () => {
  const ID = "cksess_abc123";
  const apiError = (status: number, message: string) =>
    APIError.generate(status, { error: { message, type: "invalid_request_error" } }, message, new Headers());
  const exact: Array<[number, string]> = [
    [404, `Chatkit Session with id '${ID}' not found.`],
    [400, `Chatkit Session with id '${ID}' has already been cancelled.`],
    [400, `Chatkit Session with id '${ID}' has already expired.`],
  ];

  it("accepts the exact sentences, in any case and without the trailing period", () => {
    for (const [status, message] of exact) {
      assert.ok(isAlreadyGone(apiError(status, message), ID), message);
      assert.ok(isAlreadyGone(apiError(status, ` ${message.toUpperCase().replace(/\.$/, "")} \n`), ID), message);
    }
  });

  it("refuses messages about billing, the project, the organization or no session in particular", () => {
    for (const [status, message] of [
      [400, `Cannot cancel session ${ID}: the project's billing has expired.`],
      [400, `Session ${ID} could not be cancelled because the organization's plan has expired.`],
      [404, "Project proj_123 for this session was not found."],
      [404, `Session ${ID}: organization not found.`],
      [404, "Session not found."],
      [404, "No route found for session cancel. Not found."],
      [400, "The session has already been cancelled by another request; retry later"],
      [400, "The session's workflow has expired"],
      [404, `Invalid URL (POST /chatkit/sessions/${ID}/cancel)`],
    ] as Array<[number, string]>) {
      assert.equal(isAlreadyGone(apiError(status, message), ID), false, message);
    }
  });

  it("reads the id literally: characters that patterns treat specially match only themselves (fast-check)", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_.*+?^${}()|[\]\\-]{1,12}$/), (id) => {
        assert.ok(isAlreadyGone(apiError(404, `Chatkit Session with id '${id}' not found.`), id), id);
      }),
    );
    assert.equal(isAlreadyGone(apiError(404, "Chatkit Session with id 'cksess_aXb' not found."), "cksess_a.b"), false);
  });

  it("confirms nothing for an empty id, nor from an answer without the API's error object", () => {
    assert.equal(isAlreadyGone(apiError(404, "Chatkit Session with id '' not found."), ""), false);
    const sentence = `Chatkit Session with id '${ID}' not found.`;
    for (const body of [undefined, { error: sentence }]) {
      assert.equal(isAlreadyGone(APIError.generate(404, body, sentence, new Headers()), ID), false);
    }
  });

  it("refuses the sentences with the wrong status, or for another id (fast-check)", () => {
    const otherId = fc
      .stringMatching(/^cksess_[A-Za-z0-9]{1,12}$/)
      .filter((id) => id.toLowerCase() !== ID.toLowerCase());
    fc.assert(
      fc.property(fc.constantFrom(...exact), otherId, ([status, message], other) => {
        assert.equal(isAlreadyGone(apiError(status, message.replace(ID, other)), ID), false);
        assert.equal(isAlreadyGone(apiError(status === 404 ? 400 : 404, message), ID), false);
        assert.equal(isAlreadyGone(apiError(409, message), ID), false);
      }),
    );
  });

  it("refuses any text around the sentence: a prefix, a suffix, project, organization or billing words (fast-check)", () => {
    const words = fc.constantFrom(
      "project",
      "organization",
      "billing",
      "Project proj_123",
      "for this organization",
      "; the project's billing has expired",
      "retry later",
      "x",
      ":",
    );
    const around = fc
      .oneof(words, fc.string({ minLength: 1 }))
      .filter((text) => text.trim() !== "" && text.trim() !== ".");
    fc.assert(
      fc.property(fc.constantFrom(...exact), around, fc.boolean(), ([status, message], text, before) => {
        const changed = before ? `${text} ${message}` : `${message.replace(/\.$/, "")} ${text}`;
        assert.equal(isAlreadyGone(apiError(status, changed), ID), false, changed);
      }),
    );
  });
});
