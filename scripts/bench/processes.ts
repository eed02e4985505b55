import type { ChildProcess } from "node:child_process";
import { startHost } from "../tooling/host";

/** Every process this run started and has not stopped yet: stopped on any exit, failure included. */
const running = new Set<ChildProcess>();

export function track(child: ChildProcess): ChildProcess {
  running.add(child);
  child.once("exit", () => running.delete(child));
  return child;
}

/** Stops every process still running, and waits (up to two seconds each) until it has exited. */
export async function stopAll(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => {
            child.kill("SIGKILL");
            resolve();
          }, 2000);
          child.once("exit", () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill();
        }),
    ),
  );
}

/** Starts a Pulumi host that stopAll() stops if the run fails before closing it. */
export async function trackedHost(options: Parameters<typeof startHost>[0]) {
  const host = await startHost(options);
  track(host.process);
  return host;
}
