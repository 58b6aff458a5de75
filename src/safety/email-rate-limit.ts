const WINDOW_MS = 60_000;

export type Acquired = { ok: true; release(): void } | { ok: false; retryInSeconds: number };

/**
 * At most `perMinute` e-mails to one user in any minute, so that a looping agent cannot mail-bomb
 * anyone. Per process: replicas behind a load balancer each keep their own count.
 */
export class EmailRateLimiter {
  private readonly sent = new Map<string, number[]>();

  constructor(
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a slot for an e-mail to `userId`; release it if the e-mail was not sent after all. */
  acquire(userId: string): Acquired {
    if (this.perMinute <= 0) return { ok: true, release: () => {} };
    const now = this.now();
    this.forgetBefore(now - WINDOW_MS);
    const times = this.sent.get(userId) ?? [];
    if (times.length >= this.perMinute) {
      const oldest = times[0] ?? now;
      return { ok: false, retryInSeconds: Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000)) };
    }
    times.push(now);
    this.sent.set(userId, times);
    return {
      ok: true,
      release: () => {
        const index = times.indexOf(now);
        if (index >= 0) times.splice(index, 1);
      },
    };
  }

  private forgetBefore(cutoff: number): void {
    for (const [userId, times] of this.sent) {
      while (times.length > 0 && (times[0] ?? 0) <= cutoff) times.shift();
      if (times.length === 0) this.sent.delete(userId);
    }
  }
}
