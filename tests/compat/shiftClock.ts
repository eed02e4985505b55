/**
 * Preloaded (`node --require`) into a dynamic-provider host so that its clock reads the moment a
 * state fixture was recorded: a session recorded live is live again, one recorded an hour past its
 * expiry is expired, whatever day the tests run. The clock then moves on in real time.
 * CHATKIT_TEST_CLOCK_START_MS holds that moment; without it nothing is changed.
 */
const start = Number(process.env.CHATKIT_TEST_CLOCK_START_MS);

if (process.env.CHATKIT_TEST_CLOCK_START_MS && Number.isFinite(start)) {
  const RealDate = Date;
  const offsetMs = start - RealDate.now();
  class ShiftedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(RealDate.now() + offsetMs);
      else super(...(args as [string | number | Date]));
    }
    static override now(): number {
      return RealDate.now() + offsetMs;
    }
  }
  globalThis.Date = ShiftedDate as DateConstructor;
}
