import type { Clock } from "./clock";
import { digest } from "./store";

/** Per-key requests per minute, in a sliding one-minute window on the emulator's clock. */
export class RateLimiter {
  private readonly windows = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly perMinute: number | undefined,
  ) {}

  /** Takes a slot for this key; when none is free, answers how long (ms) until one frees up. */
  take(key: string): number | undefined {
    if (!this.perMinute) return undefined;
    const now = this.clock.nowMs();
    const id = digest(key);
    const window = (this.windows.get(id) ?? []).filter((at) => at > now - 60_000);
    this.windows.set(id, window);
    if (window.length >= this.perMinute) return (window[0] as number) + 60_000 - now;
    window.push(now);
    return undefined;
  }

  /** Forgets keys that used no slot in the last minute. */
  prune(): void {
    const since = this.clock.nowMs() - 60_000;
    for (const [id, window] of this.windows) if (!window.some((at) => at > since)) this.windows.delete(id);
  }
}
