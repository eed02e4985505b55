import { performance } from "node:perf_hooks";

/** What the running phase has done, for the progress line. */
export const progress = { done: 0, total: 0 };

let quiet = false;

/** With --json, stdout holds only the result, and stderr nothing but errors. */
export function setQuiet(value: boolean): void {
  quiet = value;
}

export function say(line: string): void {
  if (!quiet) process.stderr.write(`${line}\n`);
}

/** Runs one phase, reporting its progress every ten seconds while it runs. */
export async function phase<T>(name: string, run: () => Promise<T>): Promise<T> {
  say(`measuring ${name} …`);
  progress.done = 0;
  progress.total = 0;
  const started = performance.now();
  const ticker = setInterval(() => {
    const seconds = Math.round((performance.now() - started) / 1000);
    const count = progress.total ? `: ${progress.done} of ${progress.total} calls done` : "";
    say(`  … ${name}, ${seconds} s${count}`);
  }, 10_000);
  try {
    return await run();
  } finally {
    clearInterval(ticker);
  }
}
