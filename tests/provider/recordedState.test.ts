import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { SessionProvider } from "../../provider/lifecycle";
import { recordedSession } from "../../provider/recordedState";

/** Instants from 2001 to 2099, in whole milliseconds. */
const instant = fc.integer({ min: Date.UTC(2001, 0, 1), max: Date.UTC(2099, 11, 31) });
/** Zone offsets as written in ISO 8601, in minutes: -12:00 to +14:00 in quarter hours. */
const offsetMinutes = fc.integer({ min: -48, max: 56 }).map((quarters) => quarters * 15);

const two = (n: number) => String(n).padStart(2, "0");

/** The instant written in the zone `offset` minutes ahead of UTC: 2026-12-02T07:00:00.000-08:00. */
function withZone(ms: number, offset: number): string {
  const local = new Date(ms + offset * 60_000).toISOString().slice(0, -1);
  if (offset === 0) return `${local}Z`;
  const sign = offset > 0 ? "+" : "-";
  return `${local}${sign}${two(Math.floor(Math.abs(offset) / 60))}:${two(Math.abs(offset) % 60)}`;
}

/** Ways to write a date and time that say nothing of the zone, which JavaScript reads as local time. */
const zoneless = (ms: number) => {
  const iso = new Date(ms).toISOString();
  return [
    iso.slice(0, -1),
    iso.slice(0, 19),
    iso.slice(0, 16),
    iso.slice(0, 19).replace("T", " "),
    iso.slice(0, 10),
    new Date(ms).toUTCString().replace(" GMT", ""),
    new Date(ms).toDateString(),
  ];
};

describe("recorded times read the same in every time zone", () => {
  it("reads an ISO 8601 date with its zone (Z or ±hh:mm) as that instant", () => {
    fc.assert(
      fc.property(instant, offsetMinutes, (ms, offset) => {
        assert.equal(recordedSession({ expiresAt: withZone(ms, offset) }).expiresAt, ms / 1000);
      }),
    );
    assert.equal(recordedSession({ expiresAt: "2026-12-02 15:00:00z" }).expiresAt, Date.UTC(2026, 11, 2, 15) / 1000);
  });

  it("reads no expiry from a date without a zone, and says why", () => {
    fc.assert(
      fc.property(instant, (ms) => {
        for (const text of zoneless(ms)) {
          const recorded = recordedSession({ expiresAt: text });
          assert.equal(recorded.expiresAt, undefined, text);
          assert.match(recorded.expiresAtProblem ?? "", /not ISO 8601 with a time zone \(Z or ±hh:mm\)/, text);
        }
      }),
    );
    // Text that is no date at all is simply unreadable, with no claim about zones.
    assert.equal(recordedSession({ expiresAt: "soon" }).expiresAtProblem, undefined);
  });

  it("makes the same decision in Los Angeles, Honolulu, UTC and Tokyo: a zone-less expiry is unknown, so the next up renews", async () => {
    // A session that expired two hours ago, its expiry written by hand in UTC without saying so.
    const nowMs = Date.UTC(2026, 11, 2, 15, 0, 0);
    const expiredMs = nowMs - 2 * 3600_000;
    const states = {
      zoneless: new Date(expiredMs).toISOString().slice(0, 19),
      zoned: new Date(expiredMs).toISOString(),
      liveZoned: withZone(nowMs + 5 * 60_000, -8 * 60),
    };
    // Node reads a change of TZ at once: the same process decides in each zone in turn.
    const decide = async (zone: string) => {
      const warnings: string[] = [];
      const provider = new SessionProvider({ env: {}, now: () => nowMs, warn: (warning) => warnings.push(warning) });
      const inputs = { user: "u", workflow: { id: "wf_1" } };
      const decisions: Record<string, unknown> = {};
      const given = process.env.TZ;
      process.env.TZ = zone;
      const offset = new Date(nowMs).getTimezoneOffset();
      try {
        for (const [name, expiresAt] of Object.entries(states)) {
          const state = { ...inputs, status: "active", expiresAt, apiClockOffset: 0 };
          const diff = await provider.diff("cksess_tz", state, inputs);
          const read = await provider.read("cksess_tz", state);
          decisions[name] = { replaces: diff.replaces, status: read.props?.status, expiresAt: read.props?.expiresAt };
        }
      } finally {
        if (given === undefined) delete process.env.TZ;
        else process.env.TZ = given;
      }
      return { zone, decisions, warnings, offset };
    };
    const results = [];
    for (const zone of ["America/Los_Angeles", "Pacific/Honolulu", "UTC", "Asia/Tokyo"])
      results.push(await decide(zone));
    // Each zone was in force: the machine's offset from UTC, in minutes, as each saw it.
    assert.deepEqual(
      results.map((result) => result.offset),
      [480, 600, 0, -540],
    );
    for (const { zone, decisions, warnings } of results) {
      assert.deepEqual(
        decisions,
        {
          zoneless: { replaces: ["expiresAt"], status: "active", expiresAt: states.zoneless },
          zoned: { replaces: ["expiresAt"], status: "expired", expiresAt: expiredMs / 1000 },
          liveZoned: { replaces: [], status: "active", expiresAt: nowMs / 1000 + 300 },
        },
        zone,
      );
      assert.equal(warnings.length, 1, zone);
      assert.match(warnings[0] ?? "", /records its expiresAt as a date that is not ISO 8601 with a time zone/, zone);
      assert.match(warnings[0] ?? "", /the next pulumi up replaces it/, zone);
    }
  });
});

describe("recorded times: seconds or milliseconds", () => {
  it("reads a recorded expiry up to 1e11 as seconds and anything larger as milliseconds", () => {
    assert.equal(recordedSession({ expiresAt: 1e11 }).expiresAt, 1e11);
    assert.equal(recordedSession({ expiresAt: 1e11 + 1000 }).expiresAt, 1e8 + 1);
    assert.equal(recordedSession({ expiresAt: "1800000000000" }).expiresAt, 1_800_000_000);
    // A short number is a time too, not a date without a zone, though Date.parse reads "2026" as a year.
    assert.deepEqual(recordedSession({ expiresAt: "2026" }), {
      status: undefined,
      expiresAt: 2026,
      apiClockOffset: undefined,
    });
  });

  it("reads only the date form it can be sure of: a four-digit year, nothing before or after", () => {
    // Date.parse reads each of these as a time, but none is the form a machine anywhere reads alike.
    for (const text of [
      "+002026-01-01T00:00:00Z",
      "on 2026-01-01 00:00:00Z",
      "2026-01-01 00:00:00Z ",
      "2026-01-01 00:00Z (UTC)",
    ]) {
      assert.deepEqual(
        recordedSession({ expiresAt: text }),
        {
          status: undefined,
          expiresAt: undefined,
          expiresAtProblem: recordedSession({ expiresAt: "2026-01-01" }).expiresAtProblem,
          apiClockOffset: undefined,
        },
        text,
      );
    }
  });
});
