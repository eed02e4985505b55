import type { IncomingMessage } from "node:http";

/**
 * The page and the emulator's own endpoints answer only on the address the emulator listens on:
 * a request whose Host names anything else (a DNS-rebinding attack, a proxy) is refused, and so is
 * a request from another origin's page. The API's routes are not limited: SDKs behind proxies
 * send other Host values, and browsers cannot read their answers from another origin anyway.
 */

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);
const WILDCARD = new Set(["0.0.0.0", "::", ""]);

/** The Host values a browser may send for this address, or undefined when any host is the address. */
export function hostsFor(host: string, port: number): string[] | undefined {
  if (WILDCARD.has(host)) return undefined;
  const named = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
  return LOOPBACK.has(host) ? [named, `localhost:${port}`] : [named];
}

export function fromOwnAddress(req: IncomingMessage, hosts: string[] | undefined, port: number): boolean {
  const host = String(req.headers.host ?? "").toLowerCase();
  const allowed = hosts ?? [host].filter((value) => value.endsWith(`:${port}`));
  if (!allowed.includes(host)) return false;
  const origin = req.headers.origin;
  return origin === undefined || allowed.some((value) => origin.toLowerCase() === `http://${value}`);
}
