import type { ServerEvents } from "../metrics/events.js";
import { MemorySafetyStore, type SafetyStore, type Slot, StoreUnavailableError } from "./safety-store.js";

const MINUTE_MS = 60_000;

export type CallAdmission = { ok: true } | { ok: false; retryInSeconds: number; message: string };

/**
 * --rate-limit N: at most N tool calls per caller per minute, counted in the safety store (fleet-wide
 * with --state-url). While the store is unreachable, each replica counts in its own memory: the
 * limit is N per replica then, not none, and reads go on.
 */
export class CallerRateLimit {
  private warned = false;
  private readonly fallback = new MemorySafetyStore();

  constructor(
    private readonly store: SafetyStore,
    readonly perMinute: number,
    private readonly onUnavailable: (reason: string) => void,
    private readonly events: ServerEvents = {},
  ) {}

  async admit(caller: string): Promise<CallAdmission> {
    const key = `calls:${caller}`;
    let slot: Slot;
    try {
      slot = await this.store.takeSlot(key, this.perMinute, MINUTE_MS);
      this.warned = false;
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      if (!this.warned) this.onUnavailable(error.message);
      this.warned = true;
      slot = await this.fallback.takeSlot(key, this.perMinute, MINUTE_MS);
    }
    if (slot.ok) return { ok: true };
    this.events.rateLimited?.({ caller });
    return {
      ok: false,
      retryInSeconds: slot.retryInSeconds,
      message: `Too many tool calls: at most ${this.perMinute} per minute for each caller (--rate-limit). Try again in ${slot.retryInSeconds} s.`,
    };
  }
}
