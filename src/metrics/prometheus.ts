import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { ServerEvents } from "./events.js";

/** Latency buckets in seconds: from a cached read (a few ms) to the API's 60 s budget. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export interface PrometheusMetrics {
  events: ServerEvents;
  /** The text exposition format, and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

/**
 * The server's metrics in Prometheus' text format, in a registry of their own: tool calls and their
 * latency per tool and outcome, confirmation decisions, upstream statuses and latency, rate-limit
 * refusals, and the shared store's health (read when scraped).
 */
export function createPrometheusMetrics(storeHealthy?: () => boolean): PrometheusMetrics {
  const registry = new Registry();
  const toolCalls = new Counter({
    name: "contabo_mcp_tool_calls_total",
    help: "Tool calls, by tool and outcome (ok, error, not-run).",
    labelNames: ["tool", "outcome"],
    registers: [registry],
  });
  const toolSeconds = new Histogram({
    name: "contabo_mcp_tool_call_seconds",
    help: "Time from a tool call's arrival to its result, by tool and outcome.",
    labelNames: ["tool", "outcome"],
    buckets: BUCKETS,
    registers: [registry],
  });
  const decisions = new Counter({
    name: "contabo_mcp_confirmation_decisions_total",
    help: "Confirmation decisions of calls that need one (asked, confirmed, declined, refused…), by tool.",
    labelNames: ["tool", "decision"],
    registers: [registry],
  });
  const upstream = new Counter({
    name: "contabo_mcp_upstream_responses_total",
    help: "Responses of the Contabo API, by method and status (0: no response).",
    labelNames: ["method", "status"],
    registers: [registry],
  });
  const upstreamSeconds = new Histogram({
    name: "contabo_mcp_upstream_request_seconds",
    help: "Time of one request to the Contabo API, by method.",
    labelNames: ["method"],
    buckets: BUCKETS,
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: "contabo_mcp_rate_limited_total",
    help: "Calls refused by the per-caller rate limit.",
    registers: [registry],
  });
  if (storeHealthy) {
    new Gauge({
      name: "contabo_mcp_state_store_up",
      help: "1 when the shared state store (--state-url) answers, 0 when it does not.",
      registers: [registry],
      collect() {
        this.set(storeHealthy() ? 1 : 0);
      },
    });
  }
  return {
    events: {
      toolCall({ tool, outcome, decision, seconds }) {
        toolCalls.inc({ tool, outcome });
        toolSeconds.observe({ tool, outcome }, seconds);
        if (decision !== "not-required") decisions.inc({ tool, decision });
      },
      upstreamResponse({ method, status, seconds }) {
        upstream.inc({ method, status: String(status) });
        upstreamSeconds.observe({ method }, seconds);
      },
      rateLimited() {
        rateLimited.inc();
      },
    },
    render: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}
