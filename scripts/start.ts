/**
 * npm start: a real `pulumi up` of the root project (the basic example) on a local stack `dev`,
 * against the local emulator unless an API key is configured. Prints the outputs, secret masked.
 */
import { emulatorUnlessKeyed, must, openLocalStack, STACK } from "./localStack";

async function main(): Promise<void> {
  const stack = await openLocalStack({ command: "npm start", needsProviderConfig: true });
  await must(stack.pulumi(["stack", "select", "--create", STACK]), "pulumi stack select");
  const emulator = await emulatorUnlessKeyed(stack);
  try {
    await must(stack.pulumi(["up", "--yes", "--stack", STACK]), "pulumi up");
    const { stdout } = await stack.pulumi(["stack", "output", "--json", "--stack", STACK], { quiet: true });
    const outputs = JSON.parse(stdout || "{}") as Record<string, unknown>;
    console.log("\nOutputs of stack dev:");
    for (const [name, value] of Object.entries(outputs)) console.log(`  ${name.padEnd(14)} ${JSON.stringify(value)}`);
    console.log("\nReveal the client secret:  npm run pulumi -- stack output --show-secrets clientSecret");
    console.log("Cancel the session:         npm run destroy");
  } finally {
    await emulator?.close();
  }
}

main().catch((error: unknown) => {
  console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
