import type { ServerEvents } from "../metrics/events.js";
import { type SafetyStore, StoreUnavailableError } from "./safety-store.js";

const MINUTE_MS = 60_000;

export type CallAdmission = { ok: true } | { ok: false; retryInSeconds: number; message: string };

/**
 * --rate-limit N: at most N tool calls per caller per minute, counted in the safety store (fleet-wide
 * with --state-url). While the store is unreachable, calls are let through: reads go on, and what
 * needs the store is refused by the safety layer itself.
 */
export class CallerRateLimit {
  private warned = false;

  constructor(
    private readonly store: SafetyStore,
    readonly perMinute: number,
    private readonly onUnavailable: (reason: string) => void,
    private readonly events: ServerEvents = {},
  ) {}

  async admit(caller: string): Promise<CallAdmission> {
    try {
      const slot = await this.store.takeSlot(`calls:${caller}`, this.perMinute, MINUTE_MS);
      this.warned = false;
      if (slot.ok) return { ok: true };
      this.events.rateLimited?.({ caller });
      return {
        ok: false,
        retryInSeconds: slot.retryInSeconds,
        message: `Too many tool calls: at most ${this.perMinute} per minute for each caller (--rate-limit). Try again in ${slot.retryInSeconds} s.`,
      };
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      if (!this.warned) this.onUnavailable(error.message);
      this.warned = true;
      return { ok: true };
    }
  }
}
