#!/usr/bin/env node
import { parseArgs } from "node:util";
import { startEmulator } from "./server";

const usage = `Usage: chatkit-emulator [--port 8787] [--host 127.0.0.1] [--rate-limit N] [--api-key KEY ...] [--quiet]

Serves the ChatKit sessions API locally. Point the provider at it with
  OPENAI_BASE_URL=<printed URL> OPENAI_API_KEY=sk-local-anything`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8787" },
      host: { type: "string", default: "127.0.0.1" },
      "rate-limit": { type: "string" },
      "api-key": { type: "string", multiple: true },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be a port number, got ${values.port}`);
  const rateLimit = values["rate-limit"] === undefined ? undefined : Number(values["rate-limit"]);
  const emulator = await startEmulator({
    port,
    host: values.host,
    apiKeys: values["api-key"],
    rateLimitPerMinute: rateLimit,
    log: values.quiet ? undefined : (line) => console.log(line),
  });
  console.log(emulator.url);
  const stop = () => {
    emulator.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(`chatkit-emulator: ${error instanceof Error ? error.message : String(error)}`);
  console.error(usage);
  process.exit(2);
});
