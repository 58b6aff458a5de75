import { describe, expect, it } from "vitest";
import { ConcurrencyLimit } from "../../src/client/concurrency-limit.js";

describe("ConcurrencyLimit", () => {
  it("takes free slots at once and refuses the one past max", () => {
    const limit = new ConcurrencyLimit(2);
    expect(limit.tryAcquire()).toBe(true);
    expect(limit.tryAcquire()).toBe(true);
    expect(limit.tryAcquire()).toBe(false);
    expect(limit.inUse).toBe(2);
    limit.release();
    expect(limit.tryAcquire()).toBe(true);
  });

  it("hands released slots to the waiters, first come first served, before any newcomer", async () => {
    const limit = new ConcurrencyLimit(1);
    limit.tryAcquire();
    const order: string[] = [];
    const waiters = ["a", "b", "c"].map((name) => limit.acquire().then(() => order.push(name)));
    expect(limit.queued).toBe(3);

    limit.release();
    await waiters[0];
    // The slot went to "a": a newcomer finds none free while "b" and "c" wait.
    expect(limit.tryAcquire()).toBe(false);
    limit.release();
    await waiters[1];
    limit.release();
    await waiters[2];
    expect(order).toEqual(["a", "b", "c"]);
    expect(limit.inUse).toBe(1);
    limit.release();
    expect(limit.inUse).toBe(0);
  });

  it("lets a waiter whose signal aborts leave the queue without taking a slot", async () => {
    const limit = new ConcurrencyLimit(1);
    limit.tryAcquire();
    const controller = new AbortController();
    const cancelled = limit.acquire(controller.signal);
    const next = limit.acquire();
    expect(limit.queued).toBe(2);

    controller.abort(new Error("caller gave up"));
    await expect(cancelled).rejects.toThrow("caller gave up");
    expect(limit.queued).toBe(1);

    limit.release();
    await next; // the slot skipped the cancelled waiter
    expect(limit.queued).toBe(0);
    expect(limit.inUse).toBe(1);
  });

  it("refuses an already aborted signal, even with a slot free", async () => {
    const limit = new ConcurrencyLimit(1);
    await expect(limit.acquire(AbortSignal.abort(new Error("too late")))).rejects.toThrow("too late");
    expect(limit.inUse).toBe(0);
    expect(limit.queued).toBe(0);
  });

  it("refuses a release without a slot held", () => {
    expect(() => new ConcurrencyLimit(1).release()).toThrow(/without a slot/);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])("refuses max %s", (max) => {
    expect(() => new ConcurrencyLimit(max)).toThrow(RangeError);
  });
});
