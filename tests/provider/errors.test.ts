import * as assert from "node:assert/strict";
import { AnswerInterruptedError, AttemptTimedOutError } from "../../provider/errors";
import { formatSeconds } from "../../provider/seconds";

describe("errors: what each failure says", () => {
  it("says how far an attempt got when it ran out of time", () => {
    assert.equal(new AttemptTimedOutError(1500, false).message, "no answer within 1.5 s");
    assert.equal(
      new AttemptTimedOutError(250, true).message,
      "the answer did not finish arriving within 0.25 s (the API had started answering)",
    );
    assert.equal(
      new AttemptTimedOutError(30_000, true, 502).message,
      "the answer started (HTTP 502) and did not finish within 30 s",
    );
    assert.equal(formatSeconds(1234.5678), "1.235 s");
  });

  it("explains an interrupted answer by its causes, each once, with their codes", () => {
    const cause = Object.assign(new TypeError("terminated"), {
      cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }),
    });
    assert.equal(
      new AnswerInterruptedError(200, cause).message,
      "the connection was closed while the answer (HTTP 200) was arriving, so it could not be read (terminated: other side closed UND_ERR_SOCKET)",
    );
    const named = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
    assert.match(new AnswerInterruptedError(500, named).message, /\(HTTP 500\).*\(read ECONNRESET\)$/);
    assert.match(new AnswerInterruptedError(200, "gone").message, /\(gone\)$/);
    // Four causes deep at most: a chain that long says enough.
    let deep: Error = new Error("level 5");
    for (let level = 4; level >= 1; level--) deep = Object.assign(new Error(`level ${level}`), { cause: deep });
    assert.match(new AnswerInterruptedError(200, deep).message, /\(level 1: level 2: level 3: level 4\)$/);
  });
});
