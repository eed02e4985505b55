import * as assert from "node:assert/strict";
import { SessionLifecycle } from "../../provider/lifecycle";
import { useEmulator } from "../helpers/emulator";
import { secretWorks } from "../helpers/secret";

const inputs = { user: "clock-user", workflow: { id: "wf_clock" }, expiresAfter: 120, renewBefore: 12 };
/** The stated tolerance: the API gives whole seconds. */
const TOLERANCE_SECONDS = 1;
const SKEWS = [30, 120, 900, -30, -120, -900];

const describeSkew = (skew: number) =>
  `${Math.abs(skew) >= 120 ? `${Math.abs(skew) / 60} min` : `${Math.abs(skew)} s`} ${skew > 0 ? "ahead" : "behind"}`;

describe("decisions by the API's clock, with this machine's clock off", () => {
  const ctx = useEmulator();

  for (const skew of SKEWS) {
    describe(`this machine's clock ${describeSkew(skew)}`, () => {
      /** This machine's clock: the API's (the emulator's) plus the skew; moves only when time passes. */
      let machineMs: number;
      let warnings: string[];
      // A new lifecycle for each call, as each pulumi command runs in a new process.
      const lifecycle = () =>
        new SessionLifecycle({
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
        const said = /clock is (?:(\d+) min ?)?(?:(\d+) s)? (ahead of|behind) the ChatKit API's/.exec(
          warnings[0] ?? "",
        );
        assert.ok(said, warnings[0]);
        assert.equal(said[3], skew > 0 ? "ahead of" : "behind");
        assert.ok(Math.abs(Number(said[1] ?? 0) * 60 + Number(said[2] ?? 0) - Math.abs(skew)) <= TOLERANCE_SECONDS);
        assert.equal((await lifecycle().diff(id, outs, inputs)).changes, false);
        assert.equal((await lifecycle().read(id, outs)).props.status, "active");
      });

      it("serves no dead secret as live and renews no sooner than the window, to within a second", async () => {
        const { id, outs } = await lifecycle().create(inputs);
        pass(100);
        for (let second = 100; second <= 125; second++, pass(1)) {
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
          assert.equal(ctx.emulator.statusOf(ctx.emulator.sessions.get(id)!), "cancelled");
        }
      });

      it("cancels a session whose state has no recorded offset (an older version), however old it looks", async () => {
        const { id, outs } = await lifecycle().create(inputs);
        const { apiClockOffset: _none, ...older } = outs;
        // Judged by this machine's clock alone: a machine far ahead sees it expired and replaces it.
        const diff = await lifecycle().diff(id, older, inputs);
        if (skew >= inputs.expiresAfter - inputs.renewBefore) assert.deepEqual(diff.replaces, ["expiresAt"]);
        await lifecycle().delete(id, older);
        assert.equal(ctx.emulator.statusOf(ctx.emulator.sessions.get(id)!), "cancelled");
      });
    });
  }
});
