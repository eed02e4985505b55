/**
 * The emulator's clock: wall time plus an offset that tests move forward (or back) so that
 * expiry and rate-limit windows pass without waiting.
 */
export class Clock {
  private offsetMs = 0;

  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  nowSeconds(): number {
    return this.nowMs() / 1000;
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}
