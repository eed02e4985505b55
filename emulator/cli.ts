#!/usr/bin/env node
import { parseArgs } from "node:util";
import { startEmulator } from "./server";

const usage = `Usage: chatkit-emulator [--port 8787] [--host 127.0.0.1] [--rate-limit N] [--max-stored-mib N] [--api-key KEY ...] [--allow-host NAME ...] [--teach] [--quiet]

Serves the ChatKit sessions API locally. Point the provider at it with
  OPENAI_BASE_URL=<printed URL> OPENAI_API_KEY=sk-local-anything
and open its root in a browser to watch sessions and requests live. --teach adds buttons to that
page that cancel or expire a session and queue faults. The page answers only to loopback names and
this machine's own name and addresses; --allow-host adds a name (to serve it on a LAN).`;

/** A command line that cannot work: reported with the usage text. */
class UsageError extends Error {}

function parse() {
  let values: ReturnType<typeof parseArgsOf>["values"];
  try {
    values = parseArgsOf().values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535) {
    throw new UsageError(`--port must be a port number from 0 to 65535, got '${values.port}'`);
  }
  const limit = values["rate-limit"];
  if (limit !== undefined && (!/^\d+$/.test(limit) || Number(limit) < 1 || !Number.isSafeInteger(Number(limit)))) {
    throw new UsageError(`--rate-limit must be a whole number of requests per minute (1 or more), got '${limit}'`);
  }
  const stored = values["max-stored-mib"];
  if (stored !== undefined && (!/^\d+$/.test(stored) || Number(stored) < 1 || Number(stored) > 1_000_000)) {
    throw new UsageError(`--max-stored-mib must be a whole number of MiB (1 or more), got '${stored}'`);
  }
  return {
    ...values,
    port,
    rateLimit: limit === undefined ? undefined : Number(limit),
    maxStoredBytes: stored === undefined ? undefined : Number(stored) * 1024 * 1024,
  };
}

function parseArgsOf() {
  return parseArgs({
    options: {
      port: { type: "string", default: "8787" },
      host: { type: "string", default: "127.0.0.1" },
      "rate-limit": { type: "string" },
      "max-stored-mib": { type: "string" },
      "api-key": { type: "string", multiple: true },
      "allow-host": { type: "string", multiple: true },
      quiet: { type: "boolean", default: false },
      teach: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
}

async function main(): Promise<void> {
  const args = parse();
  if (args.help) {
    console.log(usage);
    return;
  }
  const emulator = await startEmulator({
    port: args.port,
    host: args.host,
    apiKeys: args["api-key"],
    allowHosts: args["allow-host"],
    rateLimitPerMinute: args.rateLimit,
    maxStoredBytes: args.maxStoredBytes,
    teachingControls: args.teach,
    log: args.quiet ? undefined : (line) => console.log(line),
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "EADDRINUSE") {
      throw new Error(
        `port ${args.port} on ${args.host} is already in use; stop what uses it or pick another with --port`,
      );
    }
    if (error.code === "EADDRNOTAVAIL" || error.code === "ENOTFOUND") {
      throw new Error(`cannot listen on ${args.host}: no such address on this machine`);
    }
    throw error;
  });
  // The first line is the base URL alone: scripts read it.
  console.log(emulator.url);
  console.log(
    `Live page: ${emulator.pageUrl} (sessions and requests as they happen${args.teach ? ", with teaching controls" : ""})`,
  );
  const stop = () => {
    emulator.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(`chatkit-emulator: ${error instanceof Error ? error.message : String(error)}`);
  if (error instanceof UsageError) console.error(usage);
  process.exit(error instanceof UsageError ? 2 : 1);
});
