/**
 * Preloaded into a provider host (`node --require`) to shift its clock, the way a machine's clock
 * is off: Date.now answers the real time plus the shift in CHATKIT_TEST_CLOCK_SHIFT_MS.
 */
export const CLOCK_SHIFT_VARIABLE = "CHATKIT_TEST_CLOCK_SHIFT_MS";

const shiftMs = Number(process.env[CLOCK_SHIFT_VARIABLE] ?? 0);
if (shiftMs !== 0) {
  const realNow = Date.now;
  Date.now = () => realNow() + shiftMs;
}
