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
