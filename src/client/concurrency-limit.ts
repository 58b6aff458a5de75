/** At most this many API requests outstanding at once, across all callers, unless configured otherwise. */
export const DEFAULT_MAX_IN_FLIGHT = 8;

/** A caller waiting for a slot, in a doubly linked queue so that one who gives up leaves in O(1). */
class Waiter {
  previous: Waiter | undefined;
  next: Waiter | undefined;
  onAbort: (() => void) | undefined;
  constructor(
    readonly resolve: () => void,
    readonly signal: AbortSignal | undefined,
  ) {}
}

/**
 * At most `max` holders at once; the others wait first come, first served. A released slot passes
 * straight to the longest waiter, so that newcomers cannot overtake the queue.
 *
 * Fast path: `tryAcquire()` is a compare and an increment. Only a caller that must wait allocates.
 */
export class ConcurrencyLimit {
  private active = 0;
  private waiting = 0;
  private head: Waiter | undefined;
  private tail: Waiter | undefined;

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be a positive integer, not ${max}`);
  }

  /** Slots taken now. */
  get inUse(): number {
    return this.active;
  }

  /** Callers waiting for a slot now. */
  get queued(): number {
    return this.waiting;
  }

  /** Takes a slot if one is free. The queue is never overtaken: while anyone waits, no slot is free. */
  tryAcquire(): boolean {
    if (this.active >= this.max) return false;
    this.active++;
    return true;
  }

  /**
   * Resolves once this caller holds a slot (give it back with `release()`). If `signal` aborts first,
   * rejects with its reason, leaving the queue without taking a slot.
   */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.tryAcquire()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter = new Waiter(resolve, signal);
      if (signal) {
        waiter.onAbort = () => {
          this.unlink(waiter);
          reject(signal.reason);
        };
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      this.append(waiter);
    });
  }

  /** Gives a slot back: to the longest waiter if there is one, else to the pool. */
  release(): void {
    const next = this.head;
    if (next === undefined) {
      if (this.active === 0) throw new Error("release() without a slot held");
      this.active--;
      return;
    }
    this.unlink(next);
    if (next.onAbort) next.signal?.removeEventListener("abort", next.onAbort);
    next.resolve();
  }

  private append(waiter: Waiter): void {
    waiter.previous = this.tail;
    if (this.tail) this.tail.next = waiter;
    else this.head = waiter;
    this.tail = waiter;
    this.waiting++;
  }

  private unlink(waiter: Waiter): void {
    if (waiter.previous) waiter.previous.next = waiter.next;
    else this.head = waiter.next;
    if (waiter.next) waiter.next.previous = waiter.previous;
    else this.tail = waiter.previous;
    waiter.previous = undefined;
    waiter.next = undefined;
    this.waiting--;
  }
}
