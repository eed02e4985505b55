/**
 * The API's clock, as seen from this machine. A session's `expiresAt` is the API's time, while
 * this machine's clock can be minutes off (laptops after sleep, WSL2, CI containers). Every create
 * answer tells the API's time: `expires_at` minus the lifetime asked for is when the API created
 * the session. The difference from this machine's clock when the request left is the offset; it is
 * recorded with each session (`apiClockOffset`) and used for every decision that compares
 * `expiresAt` with the time.
 *
 * The API gives whole seconds, so the offset is accurate to about a second (less the request's
 * own latency, which errs on the safe side: it makes sessions look older, never younger).
 */

/** An offset this large is worth a warning: the machine's clock should be corrected. */
export const LARGE_OFFSET_SECONDS = 10;

/**
 * Any offset a clock can have is trusted, days and years included: a machine without a
 * battery-backed clock can boot in 1970, and judging its sessions by its own clock instead would
 * serve dead secrets as live. Only an offset past a century is not a clock but a damaged state.
 */
const SANE_OFFSET_SECONDS = 100 * 365.25 * 24 * 3600;

export class ApiClock {
  /** Seconds the API's clock is ahead of this machine's (negative: behind), from this process's last create. */
  private measured: number | undefined;
  private warned = false;

  constructor(
    private readonly now: () => number,
    private readonly warn: (message: string) => void,
  ) {}

  /**
   * Learns the offset from a create answer: the API created session `id` at `apiCreatedAt` (unix
   * seconds) for a request this machine sent at `sentAtMs`. Returns the offset, in seconds.
   */
  learn(apiCreatedAt: number, sentAtMs: number, id: string): number {
    const offset = Math.round((apiCreatedAt - sentAtMs / 1000) * 1000) / 1000;
    this.measured = offset;
    if (Math.abs(offset) > LARGE_OFFSET_SECONDS && !this.warned) {
      this.warned = true;
      this.warn(
        `This machine's clock is ${describeSeconds(Math.abs(offset))} ${offset > 0 ? "behind" : "ahead of"} the ChatKit API's (measured when session ${id} was created). Renewal, refresh and destroy go by the API's time, learned from each create; set this machine's clock right (for example with NTP) so that sessions created elsewhere are judged right too. If this machine's clock is right, a cache or gateway between here and the API may be replaying old create answers: the session would then be older than it looks (see https://github.com/pulumi-chatkit/pulumi-chatkit/blob/main/docs/_index.md#the-clock-rule).`,
      );
    }
    return offset;
  }

  /**
   * The offset to use for a session: measured in this process when there was a create (it is this
   * machine's clock, now), else the one recorded when the session was created, else none.
   */
  offsetFor(recorded: number | undefined): number {
    return this.measured ?? recorded ?? 0;
  }

  /** The API's time now, in unix seconds. */
  apiNow(recordedOffset: number | undefined): number {
    return this.now() / 1000 + this.offsetFor(recordedOffset);
  }
}

/** A recorded offset, or undefined when the state holds none that can be trusted. */
export function saneOffset(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && Math.abs(value) <= SANE_OFFSET_SECONDS
    ? value
    : undefined;
}

function describeSeconds(seconds: number): string {
  const whole = Math.round(seconds);
  if (whole < 120) return `${whole} s`;
  if (whole < 7200) {
    const minutes = Math.floor(whole / 60);
    return whole % 60 === 0 ? `${minutes} min` : `${minutes} min ${whole % 60} s`;
  }
  const days = Math.floor(whole / 86400);
  const parts: Array<[number, string]> = [
    [days, days === 1 ? "day" : "days"],
    [Math.floor(whole / 3600) % 24, "h"],
    [Math.floor(whole / 60) % 60, "min"],
    [whole % 60, "s"],
  ];
  return parts
    .filter(([count]) => count > 0)
    .map(([count, unit]) => `${count} ${unit}`)
    .join(" ");
}
