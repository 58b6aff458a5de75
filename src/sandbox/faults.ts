import { z } from "zod";
import { SeededRandom } from "./random.js";

/**
 * Faults the sandbox can inject, driven by tests and the soak run: error statuses (with
 * Retry-After), latency, a connection reset, a truncated or malformed body, an expired token, a
 * failing token endpoint, and list metadata as the spec's examples have it. Each rule matches a route, applies a number of times or with a
 * probability (from a seeded generator), and acts before the operation runs or after it (the
 * operation happened, but its answer is lost).
 */
export const faultSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("status"),
    status: z.union([z.literal(429), z.literal(500), z.literal(502), z.literal(503), z.literal(504)]),
    retryAfterSeconds: z.number().int().min(0).optional(),
  }),
  z.object({ kind: z.literal("latency"), ms: z.number().int().min(1) }),
  z.object({ kind: z.literal("reset") }),
  z.object({ kind: z.literal("truncated-body") }),
  z.object({ kind: z.literal("malformed-json") }),
  z.object({ kind: z.literal("expired-token") }),
  /**
   * With phase "after": the real answer, but a list answer's `_pagination` and `_links` are the
   * spec's own example values (`""`), as a mock server of the spec (Prism) serves them.
   */
  z.object({ kind: z.literal("example-envelope") }),
]);
export type Fault = z.infer<typeof faultSchema>;

export interface FaultRule {
  fault: Fault;
  /** "GET /v1/users", "PATCH /v1/users/:userId", "POST token" (the token endpoint), or "*": every request. */
  route: string;
  /** Apply to this many matching requests, then stop (default: every one). */
  times?: number;
  /** Apply to each matching request with this probability (default 1). */
  probability?: number;
  /** "before" (default): the operation does not run. "after": it runs, and its answer is lost. */
  phase?: "before" | "after";
}

export interface FaultHit {
  fault: Fault;
  phase: "before" | "after";
}

export class FaultInjector {
  private rules: Array<FaultRule & { remaining: number }> = [];
  private random: SeededRandom;
  /** How many faults were injected, by kind: for the soak run's report. */
  readonly injected = new Map<string, number>();

  constructor(seed = 1) {
    this.random = new SeededRandom(seed);
  }

  add(rule: FaultRule): void {
    faultSchema.parse(rule.fault);
    this.rules.push({ ...rule, remaining: rule.times ?? Number.POSITIVE_INFINITY });
  }

  clear(seed?: number): void {
    this.rules = [];
    if (seed !== undefined) this.random = new SeededRandom(seed);
  }

  /** The fault for this request, if a rule matches it (`pattern` is the route template, or "token"). */
  pick(method: string, pattern: string): FaultHit | undefined {
    const route = `${method} ${pattern}`;
    for (const rule of this.rules) {
      if (rule.remaining <= 0) continue;
      if (rule.route !== "*" && rule.route !== route) continue;
      if (rule.probability !== undefined && !this.random.chance(rule.probability)) continue;
      rule.remaining--;
      this.injected.set(rule.fault.kind, (this.injected.get(rule.fault.kind) ?? 0) + 1);
      return { fault: rule.fault, phase: rule.phase ?? "before" };
    }
    return undefined;
  }
}
