/**
 * What the server reports as it works, for metrics (src/metrics/prometheus.ts). Plain functions, so
 * that the layers that report (safety, client) load no metrics library: stdio servers pay nothing.
 */
export interface ServerEvents {
  /** A tool call ended: its outcome and the confirmation decision, and how long it took. */
  toolCall?(event: { tool: string; outcome: string; decision: string; seconds: number }): void;
  /** The Contabo API answered (or not: status 0 for a network failure). */
  upstreamResponse?(event: { method: string; status: number; seconds: number }): void;
  /** A caller was refused by the per-caller rate limit. */
  rateLimited?(event: { caller: string }): void;
}
