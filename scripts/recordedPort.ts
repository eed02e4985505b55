/**
 * The port of the local emulator that the sessions in a stack were created on, read from
 * `pulumi stack export`: each session records its endpoint (`apiEndpoint.baseUrl`). A destroy
 * started on that port sends the cancel to the endpoint the session recorded, so a fresh
 * emulator's 404 counts as the true absence it is (the emulator that made the session is gone,
 * and its sessions with it). Undefined when no session records a local endpoint.
 */
export function recordedEmulatorPort(exported: string): number | undefined {
  let state: unknown;
  try {
    state = JSON.parse(exported);
  } catch {
    return undefined;
  }
  const resources = (state as { deployment?: { resources?: unknown } } | null)?.deployment?.resources;
  if (!Array.isArray(resources)) return undefined;
  for (const resource of resources) {
    const baseUrl = resource?.outputs?.apiEndpoint?.baseUrl;
    if (typeof baseUrl !== "string") continue;
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      continue;
    }
    if (url.protocol === "http:" && url.hostname === "127.0.0.1" && url.port !== "") return Number(url.port);
  }
  return undefined;
}
