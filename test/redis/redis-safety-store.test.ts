import { describe, expect, it, onTestFinished } from "vitest";
import { RedisConnection } from "../../src/redis/redis-connection.js";
import { RedisSafetyStore } from "../../src/redis/redis-safety-store.js";
import { StoreUnavailableError } from "../../src/safety/safety-store.js";
import { testLogger } from "../helpers/logs.js";
import { startRedis } from "../helpers/redis.js";
import { until } from "../helpers/until.js";

/** One replica's view of the shared store: its own connection. */
async function replica(url: string) {
  const connection = new RedisConnection(url, testLogger());
  connection.start();
  onTestFinished(() => connection.close());
  await until(() => connection.health().ok);
  return { connection, store: new RedisSafetyStore(connection, `test-${process.pid}:`) };
}

describe("the Redis safety store, shared by replicas", () => {
  it("lets exactly one of 100 concurrent claims of a nonce through, across replicas", async () => {
    const redis = await startRedis();
    const [a, b] = await Promise.all([replica(redis.url), replica(redis.url)]);
    const expiresAt = Date.now() + 60_000;
    const claims = await Promise.all(
      Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? a : b).store.claimNonce("n-1", expiresAt)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    // Another nonce is independent.
    expect(await b.store.claimNonce("n-2", expiresAt)).toBe(true);
  });

  it("counts a rate limit across replicas: N in the window, not N per replica; a release frees one", async () => {
    const redis = await startRedis();
    const [a, b] = await Promise.all([replica(redis.url), replica(redis.url)]);
    const taken = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).store.takeSlot("email:x", 3, 60_000)),
    );
    const granted = taken.filter((slot) => slot.ok);
    expect(granted).toHaveLength(3);
    const refused = taken.find((slot) => !slot.ok);
    expect(refused && !refused.ok && refused.retryInSeconds).toBeGreaterThanOrEqual(59);
    const first = granted[0];
    if (first?.ok) await first.release();
    expect((await a.store.takeSlot("email:x", 3, 60_000)).ok).toBe(true);
    expect((await b.store.takeSlot("email:x", 3, 60_000)).ok).toBe(false);
    expect((await b.store.takeSlot("email:y", 3, 60_000)).ok).toBe(true);
  });

  it("fails at once, saying why, while Redis is down, and recovers by itself when it is back", async () => {
    const redis = await startRedis();
    const { connection, store } = await replica(redis.url);
    await redis.stop();
    await until(() => !connection.health().ok);
    // Refused while Redis is still down: a queued command would wait for the restart below instead.
    await expect(store.claimNonce("n", Date.now() + 60_000)).rejects.toThrow(StoreUnavailableError);
    await expect(store.takeSlot("k", 1, 60_000)).rejects.toThrow(
      /state store \(--state-url\) is unreachable/,
    );
    await redis.restart();
    await until(() => connection.health().ok, 10_000);
    expect(await store.claimNonce("n", Date.now() + 60_000)).toBe(true);
  });
});
