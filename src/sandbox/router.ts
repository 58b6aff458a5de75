import { badRequest } from "./http-error.js";
import type { SandboxState } from "./state.js";
import type { TokenClaims } from "./tokens.js";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RouteContext {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  state: SandboxState;
  caller: TokenClaims;
}

export interface RouteResult {
  status: 200 | 201 | 204;
  body?: unknown;
}

export interface Route {
  method: Method;
  /** A path template such as `/v1/users/:userId`. */
  pattern: string;
  handle(context: RouteContext): RouteResult;
}

interface CompiledRoute extends Route {
  segments: string[];
}

export type RouteMatch =
  | { kind: "found"; route: Route; params: Record<string, string> }
  | { kind: "method-not-allowed"; allowed: Method[] }
  | { kind: "not-found" };

/** Matches a request path to a route, segment by segment; literal segments win over parameters. */
export class Router {
  private readonly routes: CompiledRoute[];

  constructor(routes: Route[]) {
    this.routes = routes
      .map((route) => ({ ...route, segments: route.pattern.split("/").slice(1) }))
      .sort((a, b) => literalWeight(b.segments) - literalWeight(a.segments));
  }

  match(method: string, path: string): RouteMatch {
    const segments = path.split("/").slice(1);
    const allowed: Method[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      if (route.method === method) return { kind: "found", route, params };
      allowed.push(route.method);
    }
    return allowed.length > 0 ? { kind: "method-not-allowed", allowed } : { kind: "not-found" };
  }
}

function literalWeight(segments: string[]): number {
  return segments.reduce(
    (weight, segment, index) => weight + (segment.startsWith(":") ? 0 : 2 ** (10 - index)),
    0,
  );
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, expected] of pattern.entries()) {
    const segment = actual[index] ?? "";
    if (expected.startsWith(":")) {
      if (segment === "") return undefined;
      params[expected.slice(1)] = decodeSegment(segment);
    } else if (expected !== segment) {
      return undefined;
    }
  }
  return params;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`malformed path segment ${JSON.stringify(segment)}`);
  }
}
