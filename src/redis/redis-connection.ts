import { createClient, type RedisClientType } from "@redis/client";
import { StoreUnavailableError } from "../safety/safety-store.js";
import type { Logger } from "../shared/log.js";

/** Whether the shared store can be used now, and if not, why (for /healthz and refusals). */
export type StoreHealth = { ok: true } | { ok: false; reason: string };

/** Reconnection waits: 100 ms more per attempt, at most 2 s, for ever. */
const reconnectDelayMs = (attempt: number) => Math.min(100 * (attempt + 1), 2_000);

/**
 * One connection to Redis or Valkey for the process (node-redis). Commands are never queued while
 * the connection is down: they fail at once, so that a caller can refuse what needs the store
 * instead of hanging. The connection comes back by itself.
 */
export class RedisConnection {
  readonly client: RedisClientType;
  private state: StoreHealth = { ok: false, reason: "not connected yet" };

  constructor(
    readonly url: string,
    private readonly logger: Logger,
  ) {
    this.client = createClient({
      url,
      disableOfflineQueue: true,
      socket: { connectTimeout: 2_000, reconnectStrategy: reconnectDelayMs },
    });
    this.client.on("ready", () => {
      if (!this.state.ok) this.logger.info("state store connected", { store: redactedUrl(url) });
      this.state = { ok: true };
    });
    this.client.on("error", (error: unknown) => {
      const reason = error instanceof Error ? error.message || error.name : String(error);
      if (this.state.ok || this.state.reason !== reason) {
        this.logger.warn("state store unreachable", { store: redactedUrl(url), reason });
      }
      this.state = { ok: false, reason };
    });
  }

  /** Starts connecting; resolves at once: the store may come up later. */
  start(): void {
    this.client.connect().catch(() => {
      // Reported through the "error" event; node-redis keeps reconnecting.
    });
  }

  health(): StoreHealth {
    return this.client.isReady
      ? { ok: true }
      : this.state.ok
        ? { ok: false, reason: "reconnecting" }
        : this.state;
  }

  /** Runs a command, or throws StoreUnavailableError when the store cannot answer. */
  async run<T>(command: (client: RedisClientType) => Promise<T>): Promise<T> {
    const health = this.health();
    if (!health.ok) throw new StoreUnavailableError(health.reason);
    try {
      return await command(this.client);
    } catch (error) {
      // Errors of the command itself (a bug, a wrong type) are not the store being away: keep them.
      if (this.client.isReady && !isConnectionError(error)) throw error;
      throw new StoreUnavailableError(error instanceof Error ? error.message : String(error), {
        cause: error,
      });
    }
  }

  async close(): Promise<void> {
    if (this.client.isOpen) await this.client.close().catch(() => this.client.destroy());
  }
}

function isConnectionError(error: unknown): boolean {
  return (
    error instanceof Error && /closed|socket|connect|ECONN|timeout/i.test(`${error.name} ${error.message}`)
  );
}

/** The URL without its password, for logs. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "****";
    return parsed.toString();
  } catch {
    return "(an invalid URL)";
  }
}
