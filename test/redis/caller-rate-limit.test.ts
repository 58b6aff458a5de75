import { describe, expect, it, onTestFinished } from "vitest";
import { RedisConnection } from "../../src/redis/redis-connection.js";
import { RedisSafetyStore } from "../../src/redis/redis-safety-store.js";
import { CallerRateLimit } from "../../src/safety/caller-rate-limit.js";
import { testLogger } from "../helpers/logs.js";
import { startRedis } from "../helpers/redis.js";
import { until } from "../helpers/until.js";

describe("the per-caller rate limit", () => {
  it("counts in Redis across replicas, and in each replica's memory while Redis is down", async () => {
    const redis = await startRedis();
    const replica = () => {
      const connection = new RedisConnection(redis.url, testLogger());
      connection.start();
      onTestFinished(() => connection.close());
      return connection;
    };
    const [a, b] = [replica(), replica()];
    await until(() => a.health().ok && b.health().ok);
    const warnings: string[] = [];
    const [limitA, limitB] = [a, b].map(
      (connection) => new CallerRateLimit(new RedisSafetyStore(connection), 3, (why) => warnings.push(why)),
    );
    const admitted = async (limit: CallerRateLimit | undefined, caller: string, times: number) => {
      const answers = [];
      for (let i = 0; i < times; i++) answers.push((await limit?.admit(caller))?.ok);
      return answers;
    };
    expect([
      ...(await admitted(limitA, "http:alice", 2)),
      ...(await admitted(limitB, "http:alice", 2)),
    ]).toEqual([true, true, true, false]);
    expect(await admitted(limitB, "http:bob", 1)).toEqual([true]);

    await redis.stop();
    await until(() => !a.health().ok);
    // Down: each replica counts alone, so bob still gets 3 a minute here, and no more.
    expect(await admitted(limitA, "http:bob", 4)).toEqual([true, true, true, false]);
    expect(warnings).toHaveLength(1);
  });
});
