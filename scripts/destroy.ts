/** npm run destroy: cancels the sessions of the local stack `dev` and empties it. */
import { emulatorUnlessKeyed, must, openLocalStack, STACK } from "./localStack";

async function main(): Promise<void> {
  const stack = await openLocalStack({ command: "npm run destroy", needsProviderConfig: true });
  // Sessions made against an earlier emulator are gone with it: their cancel answers 404, which counts as done.
  const emulator = await emulatorUnlessKeyed(stack);
  try {
    await must(stack.pulumi(["destroy", "--yes", "--stack", STACK]), "pulumi destroy");
  } finally {
    await emulator?.close();
  }
}

main().catch((error: unknown) => {
  console.error(`npm run destroy: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
