/** Runs `task` for indexes 0 to count - 1, at most `concurrency` at a time. */
export async function pool(count: number, concurrency: number, task: (index: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
}
