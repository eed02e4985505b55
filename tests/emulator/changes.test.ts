import * as assert from "node:assert/strict";
import { startEmulator } from "../../emulator/server";
import { eventStream } from "../helpers/emulator";

/** The live page's stream: a burst of changes in one moment costs one update, not one each. */
describe("the emulator's change notices", () => {
  it("sends one update for changes made together", async function () {
    this.timeout(20_000);
    const emulator = await startEmulator({});
    const controller = new AbortController();
    try {
      const response = await fetch(`${emulator.pageUrl}_emulator/events`, { signal: controller.signal });
      const stream = eventStream(response);
      const { events, until } = stream;
      await until(() => events().length === 1);
      const start = events()[0].now;
      // Five changes in one moment (nothing else is happening), then, once their update is in, a sixth.
      for (let i = 0; i < 5; i++) emulator.advanceClock(100);
      await until(() => events().length >= 2);
      emulator.advanceClock(1000);
      await until(() => events().some((event) => event.now >= start + 1500));
      const nows = events().map((event) => Math.round(event.now - start));
      assert.equal(nows.length, 3, `updates at ${nows.join(", ")} s`);
      assert.ok((nows[1] ?? 0) >= 500 && (nows[1] ?? 0) < 1500 && (nows[2] ?? 0) >= 1500, nows.join(", "));
    } finally {
      controller.abort();
      await emulator.close();
    }
  });
});
