import type { IncomingMessage } from "node:http";
import { hostname, networkInterfaces } from "node:os";

/**
 * The page and the emulator's own endpoints answer only to a Host that names this machine: a
 * loopback name or address, the machine's own name or one of its addresses, or a name given with
 * `allowHosts` (`--allow-host`). A DNS-rebinding page sends its own domain as Host, so the rule
 * must hold whatever address the emulator listens on, wildcards included. A request from another
 * origin's page is refused too. The API's routes are not limited: SDKs behind proxies send other
 * Host values, and browsers cannot read their answers from another origin anyway.
 */

const LOOPBACK = ["localhost", "127.0.0.1", "::1"];
const WILDCARD = new Set(["0.0.0.0", "::", ""]);

/** The machine's configured name and addresses: an address cannot be rebound, and the name is the owner's. */
function machineNames(): string[] {
  const addresses = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((entry) => entry.address));
  return [hostname(), ...addresses];
}

/** `name:port` as a browser writes it in Host, lowercased (IPv6 addresses in brackets). */
function hostValue(name: string, port: number): string {
  const bare = name.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  return bare.includes(":") ? `[${bare}]:${port}` : `${bare}:${port}`;
}

/** The Host values a browser may send to reach this emulator's page. */
export function hostsFor(host: string, port: number, allowHosts: readonly string[] = []): string[] {
  const names = [...LOOPBACK, ...machineNames(), ...allowHosts, ...(WILDCARD.has(host) ? [] : [host])];
  return [...new Set(names.filter((name) => name !== "").map((name) => hostValue(name, port)))];
}

export function fromOwnAddress(req: IncomingMessage, hosts: readonly string[]): boolean {
  const host = String(req.headers.host ?? "").toLowerCase();
  if (!hosts.includes(host)) return false;
  const origin = req.headers.origin;
  return origin === undefined || hosts.some((value) => origin.toLowerCase() === `http://${value}`);
}
