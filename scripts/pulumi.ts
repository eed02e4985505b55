/** npm run pulumi -- <args>: the Pulumi CLI on the local stack's backend and passphrase. */
import { openLocalStack } from "./localStack";

openLocalStack({ command: "npm run pulumi", needsProviderConfig: false })
  .then((stack) => stack.pulumi(process.argv.slice(2)))
  .then(({ code }) => process.exit(code))
  .catch((error: unknown) => {
    console.error(`npm run pulumi: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
