import { type ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import { ROOT } from "../tooling/root";
import { track } from "./processes";
import { say } from "./progress";

/** The emulator in a process of its own, so that its work does not share the measured event loop. */
export interface Emulator {
  url: string;
  process: ChildProcess;
  close(): void;
}

/** Every emulator the bench starts is announced in these words: the bench's tests read the pids from them. */
export function announceEmulator(pid: number | undefined): void {
  say(`emulator started (pid ${pid})`);
}

export async function spawnEmulator(extra: string[] = []): Promise<Emulator> {
  const cli = path.join(ROOT, "dist", "emulator", "cli.js");
  const child = track(
    spawn(process.execPath, [cli, "--port", "0", "--quiet", ...extra], { stdio: ["ignore", "pipe", "inherit"] }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.once("data", (chunk: Buffer) => resolve(chunk.toString().split("\n")[0]?.trim() ?? ""));
    child.once("exit", (code) => reject(new Error(`the emulator exited with ${code}`)));
  });
  announceEmulator(child.pid);
  return { url, process: child, close: () => child.kill() };
}
