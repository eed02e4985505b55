/** One row of the bench's table: the median of a figure's samples, their spread, and its goal if it has one. */
export interface Figure {
  figure: string;
  unit: string;
  median: number;
  min: number;
  max: number;
  goal?: string;
  met?: boolean;
  note?: string;
}

/** A goal as the table prints it, and the test of the median against it. */
export type Goal = [string, (median: number) => boolean];

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

/** Ratios of paired samples taken in the same round. */
export const ratio = (numerators: number[], denominators: number[]) =>
  numerators.map((value, i) => value / (denominators[i] as number));

export const figure = (name: string, unit: string, samples: number[], goal?: Goal, note?: string): Figure => {
  const m = median(samples);
  return {
    figure: name,
    unit,
    median: m,
    min: Math.min(...samples),
    max: Math.max(...samples),
    ...(goal && { goal: goal[0], met: goal[1](m) }),
    ...(note && { note }),
  };
};
