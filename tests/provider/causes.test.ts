import * as assert from "node:assert/strict";
import { connectionCode, describeCause, innermostMessage } from "../../provider/causes";

/** Errors named "level 1" … "level n", each the cause of the one before; `codeAt` gives the one with a code. */
function chain(length: number, codeAt?: number): Error {
  let cause: Error | undefined;
  for (let level = length; level >= 1; level--) {
    const error: Error & { code?: string } = new Error(`level ${level}`, cause ? { cause } : undefined);
    if (level === codeAt) error.code = "ECONNRESET";
    cause = error;
  }
  return cause as Error;
}

describe("causes", () => {
  it("describes the first four errors of a chain, each with its code unless its message holds it", () => {
    assert.equal(describeCause(chain(2, 2)), "level 1: level 2 ECONNRESET");
    const inMessage = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
    assert.equal(describeCause(inMessage), "read ECONNRESET");
    assert.equal(describeCause(chain(6)), "level 1: level 2: level 3: level 4");
    assert.equal(describeCause("a plain text"), "a plain text");
  });

  it("finds a code among the first five errors of a chain, and looks no deeper", () => {
    assert.equal(connectionCode(chain(5, 1)), "ECONNRESET");
    assert.equal(connectionCode(chain(5, 5)), "ECONNRESET");
    assert.equal(connectionCode(chain(6, 6)), undefined);
    assert.equal(connectionCode(chain(3)), undefined);
  });

  it("takes the message of the fifth error as the innermost of a longer chain", () => {
    assert.equal(innermostMessage(chain(1)), "level 1");
    assert.equal(innermostMessage(chain(5)), "level 5");
    assert.equal(innermostMessage(chain(7)), "level 5");
    assert.equal(innermostMessage("not an error"), "");
  });

  it("ends on a chain that loops back on itself", () => {
    const looped: Error & { code?: string } = new Error("loops");
    looped.cause = looped;
    assert.equal(connectionCode(looped), undefined);
    assert.equal(innermostMessage(looped), "loops");
    assert.equal(describeCause(looped), "loops: loops: loops: loops");
  });
});
