/** A duration in milliseconds as messages show it: seconds, to the millisecond, without trailing zeros. */
export const formatSeconds = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`;
