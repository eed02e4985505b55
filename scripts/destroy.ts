/** npm run destroy: cancels the sessions of the local stack `dev` and empties it. */
import { emulatorUnlessKeyed, must, openLocalStack, STACK } from "./localStack";
import { recordedEmulatorPort } from "./recordedPort";

async function main(): Promise<void> {
  const stack = await openLocalStack({ command: "npm run destroy", needsProviderConfig: true });
  // Sessions made against an earlier emulator are gone with it, and a fresh one answers their
  // cancel with 404. The provider counts a 404 as done only from the endpoint the session recorded,
  // so the fresh emulator listens at that address when it is free.
  const emulator = await emulatorUnlessKeyed(stack, {
    preferredPort: async () =>
      recordedEmulatorPort((await stack.pulumi(["stack", "export", "--stack", STACK], { quiet: true })).stdout),
  });
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
