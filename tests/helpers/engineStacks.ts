import { type Emulator, startEmulator } from "../../emulator/server";
import { type EngineStack, openEngineStack } from "../../scripts/engine/stack";
import { findPulumiCli } from "../../scripts/pulumiCli";
import { TEST_API_KEY } from "./emulator";

export interface EngineStackRequest {
  /** Config of the engine program (scripts/engine/program.ts), without its `chatkit-engine:` prefix. */
  config?: Record<string, string>;
  secrets?: Record<string, string>;
  env?: Record<string, string>;
}

/**
 * For a suite run through the real Pulumi CLI: finds the CLI (the suite skips, saying why, where
 * none can be found or built), starts an emulator, and opens stacks of the engine program pointed
 * at it, each closed after the suite.
 */
export function useEngineStacks() {
  const open: EngineStack[] = [];
  const context = {
    bin: "",
    /** The CLI's minor version (3.x): some flags are newer than the floor. */
    minor: 0,
    emulator: undefined as unknown as Emulator,
    async stack(name: string, request: EngineStackRequest = {}): Promise<EngineStack> {
      const engine = await openEngineStack({
        bin: context.bin,
        name,
        config: Object.fromEntries(
          Object.entries(request.config ?? {}).map(([key, value]) => [`chatkit-engine:${key}`, value]),
        ),
        secrets: request.secrets,
        env: { OPENAI_BASE_URL: context.emulator.url, OPENAI_API_KEY: TEST_API_KEY, ...request.env },
      });
      open.push(engine);
      return engine;
    },
  };
  before(async function () {
    const cli = await findPulumiCli(8_000);
    if (!cli.found) {
      console.log(`      skipped: no Pulumi CLI could be found or built (${cli.reason})`);
      this.skip();
    }
    context.bin = cli.bin;
    context.minor = Number(/3\.(\d+)\./.exec(cli.version)?.[1]);
    context.emulator = await startEmulator();
  });
  after(async () => {
    for (const engine of open.splice(0)) await engine.close();
    await context.emulator?.close();
  });
  return context;
}
