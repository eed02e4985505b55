/**
 * Preloaded into a provider host (`node --require`) to shift its clock, the way a machine's clock
 * is off or the way it read when a state fixture was recorded: `Date.now()` and `new Date()`
 * answer the real time plus the shift in CHATKIT_TEST_CLOCK_SHIFT_MS, and move on in real time.
 * Without the variable nothing is changed.
 */
export const CLOCK_SHIFT_VARIABLE = "CHATKIT_TEST_CLOCK_SHIFT_MS";

const shiftMs = Number(process.env[CLOCK_SHIFT_VARIABLE] ?? 0);
if (Number.isFinite(shiftMs) && shiftMs !== 0) {
  const RealDate = Date;
  class ShiftedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(RealDate.now() + shiftMs);
      else super(...(args as [string | number | Date]));
    }
    static override now(): number {
      return RealDate.now() + shiftMs;
    }
  }
  globalThis.Date = ShiftedDate as DateConstructor;
}
