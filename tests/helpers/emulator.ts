import { type Emulator, type EmulatorOptions, startEmulator } from "../../emulator/server";

export const TEST_API_KEY = "sk-test-0123456789abcdef";

/** Starts an emulator for one suite (before/after hooks) and gives the env that points at it. */
export function useEmulator(options: EmulatorOptions = {}) {
  const context = {} as { emulator: Emulator; env: NodeJS.ProcessEnv };
  before(async () => {
    context.emulator = await startEmulator(options);
    context.env = { OPENAI_API_KEY: TEST_API_KEY, OPENAI_BASE_URL: context.emulator.url };
  });
  after(async () => {
    await context.emulator.close();
  });
  return context;
}

/**
 * Asserts that `expiresAt` is `lifetime` seconds after a whole second of the emulator's clock
 * read between `before` and now: a create can cross a second boundary, so "now + lifetime"
 * read after the call is off by one whenever it does.
 */
export function assertExpiresAfter(emulator: Emulator, before: number, expiresAt: number, lifetime: number): void {
  const earliest = Math.floor(before) + lifetime;
  const latest = Math.floor(emulator.nowSeconds()) + lifetime;
  if (!(Number.isInteger(expiresAt) && expiresAt >= earliest && expiresAt <= latest)) {
    throw new Error(`expires_at ${expiresAt} is not between ${earliest} and ${latest} (created + ${lifetime} s)`);
  }
}

/** Reads the live page's event stream: the text so far, its `state` events, and a wait until a condition holds. */
export function eventStream(response: Response) {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const stream = {
    text: "",
    // Each event is the emulator's JSON state, read field by field by the tests.
    events: (): any[] =>
      [...stream.text.matchAll(/event: state\ndata: (.*)\n\n/g)].map((m) => JSON.parse(m[1] as string)),
    until: async (done: () => boolean) => {
      while (!done()) {
        const { value, done: ended } = await reader.read();
        if (ended) throw new Error(`the stream ended: ${stream.text}`);
        stream.text += decoder.decode(value, { stream: true });
      }
    },
  };
  return stream;
}
