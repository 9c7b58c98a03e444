// Matches an HTTP method and path against route patterns such as `/crm/v3/objects/:objectType/:id`.
// The first route that matches wins, so register literal segments before parameter segments.

export interface RouteMatch<H> {
  handler: H;
  /** The pattern as registered: the key calls are counted under. */
  pattern: string;
  params: Record<string, string>;
}

interface Route<H> {
  method: string;
  pattern: string;
  segments: string[];
  handler: H;
}

export class Router<H> {
  private readonly routes: Route<H>[] = [];

  add(method: string, pattern: string, handler: H): this {
    this.routes.push({ method: method.toUpperCase(), pattern, segments: split(pattern), handler });
    return this;
  }

  match(method: string, path: string): RouteMatch<H> | undefined {
    const parts = split(path);
    for (const route of this.routes) {
      if (route.method !== method.toUpperCase() || route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const want = route.segments[i]!;
        const got = parts[i]!;
        if (want.startsWith(":")) params[want.slice(1)] = decodeURIComponent(got);
        else ok = want === got;
      }
      if (ok) return { handler: route.handler, pattern: route.pattern, params };
    }
    return undefined;
  }

  /** True when some route has this path under another method (for 405 rather than 404). */
  hasPath(path: string): boolean {
    const parts = split(path);
    return this.routes.some(
      (r) =>
        r.segments.length === parts.length && r.segments.every((s, i) => s.startsWith(":") || s === parts[i]),
    );
  }
}

function split(path: string): string[] {
  return path.split("/").filter((s) => s.length > 0);
}
