import * as assert from "node:assert/strict";
import { ApiClock, LARGE_OFFSET_SECONDS, saneOffset } from "../../provider/clock";
import { SessionProvider } from "../../provider/lifecycle";
import { useEmulator } from "../helpers/emulator";
import { secretWorks } from "../helpers/secret";

const inputs = { user: "clock-user", workflow: { id: "wf_clock" }, expiresAfter: 120, renewBefore: 12 };
/** The stated tolerance: the API gives whole seconds. */
const TOLERANCE_SECONDS = 1;
const DAY = 86_400;
/** Minutes are common (sleep, WSL2, CI containers); days and decades happen on machines without a real-time clock. */
const SKEWS = [30, 120, 900, -30, -120, -900, 2 * DAY, -2 * DAY, -50 * 365 * DAY];

const describeSkew = (skew: number) =>
  `${Math.abs(skew) >= DAY ? `${Math.abs(skew) / DAY} days` : Math.abs(skew) >= 120 ? `${Math.abs(skew) / 60} min` : `${Math.abs(skew)} s`} ${skew > 0 ? "ahead" : "behind"}`;

/** The seconds a warning's "N days N h N min N s" says. */
const secondsSaid = (text: string) =>
  [...text.matchAll(/(\d+) (days?|h|min|s)\b/g)].reduce(
    (sum, [, count, unit]) =>
      sum + Number(count) * ({ day: DAY, days: DAY, h: 3600, min: 60, s: 1 } as Record<string, number>)[unit ?? "s"]!,
    0,
  );

describe("decisions by the API's clock, with this machine's clock off", () => {
  const ctx = useEmulator();

  for (const skew of SKEWS) {
    describe(`this machine's clock ${describeSkew(skew)}`, () => {
      /** This machine's clock: the API's (the emulator's) plus the skew; moves only when time passes. */
      let machineMs: number;
      let warnings: string[];
      // A new lifecycle for each call, as each pulumi command runs in a new process.
      const lifecycle = () =>
        new SessionProvider({
          env: ctx.env,
          now: () => machineMs,
          sleep: async () => {},
          warn: (message) => warnings.push(message),
        });
      const pass = (seconds: number) => {
        machineMs += seconds * 1000;
        ctx.emulator.advanceClock(seconds);
      };

      beforeEach(() => {
        machineMs = ctx.emulator.nowSeconds() * 1000 + skew * 1000;
        warnings = [];
      });

      it("learns the offset from the create answer, warns with its size, and an up right after changes nothing", async () => {
        const { id, outs } = await lifecycle().create(inputs);
        assert.ok(Math.abs(outs.apiClockOffset + skew) <= TOLERANCE_SECONDS, `offset ${outs.apiClockOffset}`);
        assert.equal(warnings.length, 1);
        const said = /clock is ((?:\d+ (?:days?|h|min|s) ?)+) (ahead of|behind) the ChatKit API's/.exec(
          warnings[0] ?? "",
        );
        assert.ok(said, warnings[0]);
        assert.equal(said[2], skew > 0 ? "ahead of" : "behind");
        assert.ok(Math.abs(secondsSaid(said[1] ?? "") - Math.abs(skew)) <= TOLERANCE_SECONDS, warnings[0]);
        assert.equal((await lifecycle().diff(id, outs, inputs)).changes, false);
        assert.equal((await lifecycle().read(id, outs)).props.status, "active");
      });

      it("serves no dead secret as live and renews no sooner than the window, to within a second", async () => {
        const { id, outs } = await lifecycle().create(inputs);
        // Each step puts the API's clock at the moment it created the session plus the time this
        // machine's clock has moved since, so the real time the calls take on a busy machine does
        // not add up over the steps: the only difference left is the API's whole seconds.
        const createdAtMs = ctx.emulator.requests.at(-1)!.at;
        const machineAtCreateMs = machineMs;
        const step = (seconds: number) => {
          machineMs += seconds * 1000;
          ctx.emulator.advanceClock((createdAtMs + machineMs - machineAtCreateMs) / 1000 - ctx.emulator.nowSeconds());
        };
        step(100);
        for (let second = 100; second <= 125; second++, step(1)) {
          const left = outs.expiresAt - ctx.emulator.nowSeconds();
          const live = await secretWorks(ctx.emulator.url, outs.clientSecret);
          const diff = await lifecycle().diff(id, outs, inputs);
          const read = await lifecycle().read(id, outs);
          if (left > inputs.renewBefore + TOLERANCE_SECONDS) assert.equal(diff.changes, false, `${left} s left`);
          if (left <= inputs.renewBefore - TOLERANCE_SECONDS) assert.deepEqual(diff.replaces, ["expiresAt"]);
          if (!live && left < -TOLERANCE_SECONDS) assert.equal(read.props.status, "expired", `${left} s left`);
          if (live && left > TOLERANCE_SECONDS) assert.equal(read.props.status, "active", `${left} s left`);
          assert.equal(read.id, id, "a session is never dropped from the state by refresh");
        }
      });

      it("cancels the replaced and the destroyed session", async () => {
        const first = await lifecycle().create(inputs);
        pass(110);
        assert.deepEqual((await lifecycle().diff(first.id, first.outs, inputs)).replaces, ["expiresAt"]);
        const second = await lifecycle().create(inputs);
        await lifecycle().delete(first.id, first.outs);
        await lifecycle().delete(second.id, second.outs);
        for (const { outs } of [first, second])
          assert.equal(await secretWorks(ctx.emulator.url, outs.clientSecret), false);
        for (const { id } of [first, second]) {
          assert.equal(ctx.emulator.session(id)?.status, "cancelled");
        }
      });

      it("cancels a session whose state has no recorded offset (an older version), however old it looks", async () => {
        const { id, outs } = await lifecycle().create(inputs);
        const { apiClockOffset: _none, ...older } = outs;
        // Judged by this machine's clock alone: a machine far ahead sees it expired and replaces it.
        const diff = await lifecycle().diff(id, older, inputs);
        if (skew >= inputs.expiresAfter - inputs.renewBefore) assert.deepEqual(diff.replaces, ["expiresAt"]);
        await lifecycle().delete(id, older);
        assert.equal(ctx.emulator.session(id)?.status, "cancelled");
      });
    });
  }
});

describe("the API's clock, learned from a create answer (exact figures)", () => {
  const SENT_MS = 1_900_000_000_000;
  const clockAt = (nowMs: number) => {
    const warnings: string[] = [];
    return {
      clock: new ApiClock(
        () => nowMs,
        (message) => warnings.push(message),
      ),
      warnings,
    };
  };

  it("measures the offset to the millisecond, as API time minus the time the request left", () => {
    const { clock } = clockAt(SENT_MS);
    assert.equal(clock.learn(SENT_MS / 1000 + 3, SENT_MS - 250, "cksess_a"), 3.25);
    assert.equal(clock.apiNow(undefined), SENT_MS / 1000 + 3.25);
    assert.equal(clock.learn(SENT_MS / 1000 - 2, SENT_MS, "cksess_b"), -2);
  });

  it("uses the offset measured in this process over the one recorded, and the recorded one over none", () => {
    const { clock } = clockAt(SENT_MS);
    assert.equal(clock.apiNow(undefined), SENT_MS / 1000);
    assert.equal(clock.apiNow(40), SENT_MS / 1000 + 40);
    clock.learn(SENT_MS / 1000 + 5, SENT_MS, "cksess_c");
    assert.equal(clock.apiNow(40), SENT_MS / 1000 + 5);
  });

  it(`warns once, only past ${LARGE_OFFSET_SECONDS} s, saying which way and how far`, () => {
    const { clock, warnings } = clockAt(SENT_MS);
    clock.learn(SENT_MS / 1000 + LARGE_OFFSET_SECONDS, SENT_MS, "cksess_d");
    clock.learn(SENT_MS / 1000 - LARGE_OFFSET_SECONDS, SENT_MS, "cksess_d");
    assert.deepEqual(warnings, []);
    clock.learn(SENT_MS / 1000 + 125, SENT_MS, "cksess_e");
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0]!,
      /^This machine's clock is 2 min 5 s behind the ChatKit API's \(measured when session cksess_e was created\)\./,
    );
    clock.learn(SENT_MS / 1000 - 900, SENT_MS, "cksess_f");
    assert.equal(warnings.length, 1, "a second large offset in the same process is not repeated");
  });

  it("says a large offset in seconds below two minutes, and in whole minutes where it can", () => {
    const said = (offset: number) => {
      const { clock, warnings } = clockAt(SENT_MS);
      clock.learn(SENT_MS / 1000 + offset, SENT_MS, "cksess_g");
      return /clock is (.+?) (behind|ahead of) the ChatKit API's/.exec(warnings[0] ?? "")?.slice(1);
    };
    assert.deepEqual(said(11), ["11 s", "behind"]);
    assert.deepEqual(said(-119), ["119 s", "ahead of"]);
    assert.deepEqual(said(120), ["2 min", "behind"]);
    assert.deepEqual(said(-3600), ["60 min", "ahead of"]);
    assert.deepEqual(said(181), ["3 min 1 s", "behind"]);
    assert.deepEqual(said(7200), ["2 h", "behind"]);
    assert.deepEqual(said(-(2 * DAY - 1)), ["1 day 23 h 59 min 59 s", "ahead of"]);
    assert.deepEqual(said(-(3 * DAY + 3600 + 5)), ["3 days 1 h 5 s", "ahead of"]);
  });

  it("trusts any recorded offset a clock can have, days and decades included, and nothing past a century", () => {
    for (const offset of [0, DAY, -DAY, 2 * DAY, -50 * 365 * DAY, 99 * 365 * DAY]) {
      assert.equal(saneOffset(offset), offset);
    }
    for (const untrusted of [
      101 * 365 * DAY,
      -101 * 365 * DAY,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      "5",
      null,
      undefined,
    ]) {
      assert.equal(saneOffset(untrusted), undefined, String(untrusted));
    }
    // A century of 365.25-day years is the last offset trusted, either way.
    const century = 100 * 365.25 * DAY;
    assert.deepEqual([saneOffset(century), saneOffset(-century)], [century, -century]);
    assert.deepEqual([saneOffset(century + 0.001), saneOffset(-century - 0.001)], [undefined, undefined]);
  });
});
