import type { IncomingMessage, ServerResponse } from "node:http";
import type { RecordedRequest } from "./requestLog";

/** One request being answered: what a route's handler is given. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  record: RecordedRequest;
  /** The body parsed as JSON (else its text); undefined when empty. */
  body: unknown;
  /** The path's `{param}` segments, in order, still %-encoded. */
  params: string[];
}

/**
 * A route the emulator serves, named the way the API reference writes it (`{param}` for a path
 * segment), with what answers it, given the context of the part that serves it.
 */
export interface Route<Context> {
  method: string;
  path: string;
  handle(context: Context, exchange: Exchange): void | Promise<void>;
}

type Handler = (exchange: Exchange) => void | Promise<void>;

/** Every route the emulator serves, each path mapped once, to the handler that answers it. */
export class Router {
  private readonly entries: { method: string; pattern: RegExp; handle: Handler }[] = [];

  /** Adds routes whose handlers share this context. */
  add<Context>(routes: readonly Route<Context>[], context: Context): this {
    for (const route of routes) {
      const pattern = new RegExp(`^${route.path.replace(/\{[^}]+\}/g, "([^/]+)")}$`);
      this.entries.push({ method: route.method, pattern, handle: (exchange) => route.handle(context, exchange) });
    }
    return this;
  }

  /** The handler for this method and path, with the path's parameters, or undefined. */
  match(method: string, path: string): { handle: Handler; params: string[] } | undefined {
    for (const entry of this.entries) {
      if (entry.method !== method) continue;
      const match = entry.pattern.exec(path);
      if (match) return { handle: entry.handle, params: match.slice(1) };
    }
    return undefined;
  }
}

/** A path parameter decoded, or undefined when its %-escapes are malformed (no session has such an id). */
export function decodedParam(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}
