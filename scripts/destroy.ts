/** npm run destroy: cancels the sessions of the local stack `dev` and empties it. */
import { emulatorUnlessKeyed, must, openLocalStack, STACK } from "./localStack";

async function main(): Promise<void> {
  const stack = await openLocalStack({ command: "npm run destroy", needsProviderConfig: true });
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
