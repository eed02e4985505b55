/** A route the emulator serves, named the way the API reference writes it: `{param}` for a path segment. */
export interface Route {
  method: string;
  path: string;
}

/** The route this method and path match, with its path parameters (still %-encoded), or undefined. */
export function matchRoute<R extends Route>(
  routes: readonly R[],
  method: string,
  path: string,
): { route: R; params: string[] } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const pattern = new RegExp(`^${route.path.replace(/\{[^}]+\}/g, "([^/]+)")}$`);
    const match = pattern.exec(path);
    if (match) return { route, params: match.slice(1) };
  }
  return undefined;
}
