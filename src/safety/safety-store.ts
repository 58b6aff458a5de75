/** A slot taken under a rate limit: release it when the limited thing did not happen after all. */
export type Slot = { ok: true; release(): Promise<void> } | { ok: false; retryInSeconds: number };

/**
 * The state the safety layer shares between the calls it guards: used confirmation nonces and
 * rate-limit windows. Asynchronous, so that a fleet can keep it in a shared store; the embedded
 * default keeps it in this process.
 */
export interface SafetyStore {
  /**
   * Marks `nonce` used until `expiresAt` (ms since the epoch). Atomic: of any number of concurrent
   * claims of one nonce, exactly one resolves true.
   */
  claimNonce(nonce: string, expiresAt: number): Promise<boolean>;
  /** Takes a slot under `key` when fewer than `limit` were taken in the last `windowMs`. */
  takeSlot(key: string, limit: number, windowMs: number): Promise<Slot>;
  /** Stores an approval (opaque text) under `id` until `expiresAt`, findable by `callKey` meanwhile. */
  putApproval(id: string, callKey: string, record: string, expiresAt: number): Promise<void>;
  getApproval(id: string): Promise<string | undefined>;
  /** The id of the newest approval stored for `callKey`, while it lives. */
  findApproval(callKey: string): Promise<string | undefined>;
  /**
   * Replaces the approval `id` with `next` only if it still reads `expected`, keeping its expiry.
   * Atomic: of any number of concurrent swaps from one value, exactly one resolves true.
   */
  swapApproval(id: string, expected: string, next: string): Promise<boolean>;
  /** The ids of the approvals that have not expired, oldest first. */
  liveApprovals(): Promise<string[]>;
}

/** The embedded store: this process's memory. Replicas each keep their own. */
export class MemorySafetyStore implements SafetyStore {
  private readonly nonces = new Map<string, number>();
  private readonly windows = new Map<string, number[]>();
  private readonly approvals = new Map<string, { record: string; callKey: string; expiresAt: number }>();
  private readonly approvalByCall = new Map<string, string>();

  constructor(private readonly now: () => number = Date.now) {}

  async claimNonce(nonce: string, expiresAt: number): Promise<boolean> {
    const now = this.now();
    if ((this.nonces.get(nonce) ?? 0) > now) return false;
    // Checked and set with no await in between: concurrent claims cannot both pass.
    this.nonces.set(nonce, expiresAt);
    if (this.nonces.size > 1_000) {
      for (const [known, expiry] of this.nonces) if (expiry <= now) this.nonces.delete(known);
    }
    return true;
  }

  async takeSlot(key: string, limit: number, windowMs: number): Promise<Slot> {
    const now = this.now();
    const times = this.windows.get(key) ?? [];
    // Oldest first: drop what left the window, in place (a release may still hold this array).
    while (times.length > 0 && (times[0] ?? 0) <= now - windowMs) times.shift();
    if (times.length >= limit) {
      const oldest = times[0] ?? now;
      return { ok: false, retryInSeconds: Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)) };
    }
    times.push(now);
    this.windows.set(key, times);
    if (this.windows.size > 10_000) this.forgetBefore(now - windowMs);
    return {
      ok: true,
      release: async () => {
        const index = times.indexOf(now);
        if (index >= 0) times.splice(index, 1);
      },
    };
  }

  async putApproval(id: string, callKey: string, record: string, expiresAt: number): Promise<void> {
    this.forgetExpiredApprovals();
    this.approvals.set(id, { record, callKey, expiresAt });
    this.approvalByCall.set(callKey, id);
  }

  async getApproval(id: string): Promise<string | undefined> {
    const stored = this.approvals.get(id);
    return stored && stored.expiresAt > this.now() ? stored.record : undefined;
  }

  async findApproval(callKey: string): Promise<string | undefined> {
    const id = this.approvalByCall.get(callKey);
    return id !== undefined && (await this.getApproval(id)) !== undefined ? id : undefined;
  }

  async swapApproval(id: string, expected: string, next: string): Promise<boolean> {
    const stored = this.approvals.get(id);
    // Compared and replaced with no await in between: concurrent swaps cannot both pass.
    if (!stored || stored.expiresAt <= this.now() || stored.record !== expected) return false;
    stored.record = next;
    return true;
  }

  async liveApprovals(): Promise<string[]> {
    this.forgetExpiredApprovals();
    return [...this.approvals.entries()].sort(([, a], [, b]) => a.expiresAt - b.expiresAt).map(([id]) => id);
  }

  private forgetExpiredApprovals(): void {
    const now = this.now();
    for (const [id, stored] of this.approvals) {
      if (stored.expiresAt > now) continue;
      this.approvals.delete(id);
      if (this.approvalByCall.get(stored.callKey) === id) this.approvalByCall.delete(stored.callKey);
    }
  }

  private forgetBefore(cutoff: number): void {
    for (const [key, times] of this.windows) {
      if (times.every((time) => time <= cutoff)) this.windows.delete(key);
    }
  }
}

/**
 * What a shared store throws when it cannot answer (--state-url unreachable). The safety layer then
 * refuses what needs the store (confirmations, e-mail limits), saying why; reads go on.
 */
export class StoreUnavailableError extends Error {
  override name = "StoreUnavailableError";
  constructor(reason: string, options?: { cause?: unknown }) {
    super(
      `the shared state store (--state-url) is unreachable (${reason}), so calls that need it (confirmations, e-mail limits) are refused until it is back; reads go on`,
      options,
    );
  }
}
