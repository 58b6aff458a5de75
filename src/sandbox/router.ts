import type { z } from "zod";
import type { HttpMethod } from "../contabo-api-schemas/common.js";
import { badRequest } from "./http-error.js";
import type { SandboxState } from "./state.js";
import type { TokenClaims } from "./tokens.js";

export interface RouteContext<Q = Record<string, unknown>> {
  params: Record<string, string>;
  /** The query, parsed and validated with the route's query schema. */
  query: Q;
  /** The query as sent, for building `_links`. */
  rawQuery: URLSearchParams;
  body: unknown;
  state: SandboxState;
  caller: TokenClaims;
  /** The request's x-request-id and x-trace-id, for the audit trail. */
  requestId: string;
  traceId: string;
  now: () => number;
}

export interface RouteResult {
  status: 200 | 201 | 204;
  body?: unknown;
}

export interface Route<Q extends z.ZodObject = z.ZodObject> {
  method: HttpMethod;
  /** A path template such as `/v1/users/:userId`. */
  pattern: string;
  /** The spec's query parameters of the operation; none when absent. */
  query?: Q;
  // Method syntax on purpose: routes with different query types fit in one Route[].
  handle(context: RouteContext<z.output<Q>>): RouteResult;
}

/** Identity helper: types `handle`'s query from the route's schema. */
export function route<Q extends z.ZodObject>(definition: Route<Q>): Route<Q> {
  return definition;
}

interface CompiledRoute extends Route {
  segments: string[];
}

export type RouteMatch =
  | { kind: "found"; route: Route; params: Record<string, string> }
  | { kind: "method-not-allowed"; allowed: HttpMethod[] }
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
    const allowed: HttpMethod[] = [];
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
