import type { ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import { SERIALIZED_PROVIDER } from "../../provider/chatkitSessionProvider";
import { ROOT } from "../tooling/root";
import type { Emulator } from "./emulator";
import { type Figure, figure } from "./figures";
import { pool } from "./pool";
import { trackedHost } from "./processes";
import { progress } from "./progress";
import { apiEnv, INPUTS } from "./session";

function rssKiB(child: ChildProcess): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${child.pid}/status`, "utf8");
  const read = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  return { rss: read("VmRSS"), peak: read("VmHWM") };
}

/**
 * The host after many creates. RSS alone mostly shows how lazily V8 collects, so the growth per
 * resource is measured with the host's old space capped at 64 MiB: garbage is then collected and
 * only what is really retained can grow (a leak would end in an out-of-memory crash).
 */
export async function memory(emulator: Emulator): Promise<Figure[]> {
  const run = async (nodeOptions: string, total: number) => {
    const host = await trackedHost({ cwd: ROOT, env: { ...apiEnv(emulator.url), NODE_OPTIONS: nodeOptions } });
    await host.configure({});
    const marks: { done: number; rss: number; peak: number }[] = [];
    for (let done = 0; done < total; ) {
      const target = done + 250;
      await pool(target - done, 16, (i) =>
        host.create({ __provider: SERIALIZED_PROVIDER, ...INPUTS, user: `mem-${done + i}` }),
      );
      done = target;
      progress.done += 250;
      marks.push({ done, ...rssKiB(host.process) });
    }
    await host.close();
    return marks;
  };
  progress.total = 7000;
  const natural = await run("", 1000);
  const capped = await run("--max-old-space-size=64", 6000);
  // Least-squares slope of RSS over the marks after warm-up: one reading is noisy (±4 MiB).
  const steady = capped.filter((mark) => mark.done >= 1500);
  const meanX = steady.reduce((sum, m) => sum + m.done, 0) / steady.length;
  const meanY = steady.reduce((sum, m) => sum + m.rss * 1024, 0) / steady.length;
  const slope =
    steady.reduce((sum, m) => sum + (m.done - meanX) * (m.rss * 1024 - meanY), 0) /
    steady.reduce((sum, m) => sum + (m.done - meanX) ** 2, 0);
  return [
    figure("host peak RSS after 1,000 creates", "MiB", [(natural.at(-1)?.peak ?? 0) / 1024]),
    figure(
      "host RSS, heap capped at 64 MiB, 1,500 to 6,000 creates",
      "MiB",
      steady.map((mark) => mark.rss / 1024),
    ),
    figure(
      "host RSS growth per resource (slope, 1,500 → 6,000, capped heap)",
      "bytes",
      [slope],
      ["flat (≤ 1 KiB)", (m) => m <= 1024],
    ),
  ];
}
