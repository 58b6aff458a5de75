/**
 * Two replicas of our server (in process, each with its own safety layer and Redis connection)
 * over one sandbox and one Redis: what one replica used or counted, the other knows.
 */
import { describe, expect, it, onTestFinished } from "vitest";
import { RedisConnection } from "../../src/redis/redis-connection.js";
import { RedisSafetyStore } from "../../src/redis/redis-safety-store.js";
import { createSafety, type SafetyConfig } from "../../src/safety/index.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { TOOLS } from "../../src/tools/registry.js";
import { callTool, callToolError, connectClient } from "../helpers/mcp.js";
import { startRedis } from "../helpers/redis.js";
import { apiRequests, clientFor, useSandbox } from "../helpers/sandbox.js";
import { until } from "../helpers/until.js";
import { askConfirmation } from "../safety/confirm-helpers.js";

const KEY = "a-confirmation-key-shared-by-all-replicas";

async function replica(sandbox: Sandbox, redisUrl: string, config: SafetyConfig = {}) {
  const connection = new RedisConnection(redisUrl, { debug() {}, info() {}, warn() {}, error() {} });
  connection.start();
  onTestFinished(() => connection.close());
  await until(() => connection.health().ok);
  const contabo = clientFor(sandbox);
  const store = new RedisSafetyStore(connection);
  const safety = createSafety({ redactor: contabo.redactor, confirmKey: KEY, store, ...config }, TOOLS);
  return { connection, client: await connectClient(contabo.api, { safety }) };
}

describe("replicas sharing Redis", () => {
  it("a token used on one replica is refused on the other, even for a call that changes nothing", async () => {
    const [sandbox, redis] = await Promise.all([useSandbox(), startRedis()]);
    const a = await replica(sandbox, redis.url, { confirmMode: "token" });
    const b = await replica(sandbox, redis.url, { confirmMode: "token" });
    const asked = await askConfirmation(a.client, "retrieve_user_client", { reveal: true });
    const revealed = await callTool<{ client: { secret: string } }>(a.client, "retrieve_user_client", {
      reveal: true,
      confirmationToken: asked.confirmationToken,
    });
    expect(revealed.client.secret).toBe(sandbox.state.apiClient.secret);
    const replay = await callToolError(b.client, "retrieve_user_client", {
      reveal: true,
      confirmationToken: asked.confirmationToken,
    });
    expect(replay).toContain("This confirmation was used already");
  });

  it("holds the e-mail limit fleet-wide: one e-mail per recipient per minute, not one per replica", async () => {
    const [sandbox, redis] = await Promise.all([useSandbox(), startRedis()]);
    const a = await replica(sandbox, redis.url);
    const b = await replica(sandbox, redis.url);
    const user = [...sandbox.state.users.values()].find((u) => !u.owner);
    await callTool(a.client, "reset_password", { userId: user?.userId });
    const again = await callToolError(b.client, "reset_password", { userId: user?.userId });
    expect(again).toContain("this recipient was e-mailed too recently");
    expect(sandbox.state.outbox).toHaveLength(1);
  });

  it("with Redis down, refuses what needs it and serves reads; when it is back, all recovers", async () => {
    const [sandbox, redis] = await Promise.all([useSandbox(), startRedis()]);
    const a = await replica(sandbox, redis.url, { confirmMode: "token" });
    const user = [...sandbox.state.users.values()].find((u) => !u.owner);
    const asked = await askConfirmation(a.client, "delete_user", { userId: user?.userId });
    await redis.stop();
    await until(() => !a.connection.health().ok);
    const refused = await callToolError(a.client, "delete_user", {
      userId: user?.userId,
      confirmationToken: asked.confirmationToken,
    });
    expect(refused).toContain("the shared state store (--state-url) is unreachable");
    const mail = await callToolError(a.client, "reset_password", { userId: user?.userId });
    expect(mail).toContain("Nothing was sent to Contabo");
    expect(apiRequests(sandbox).filter((r) => r.method !== "GET")).toEqual([]);
    await expect(callTool(a.client, "retrieve_user", { userId: user?.userId })).resolves.toHaveProperty(
      "user",
    );

    await redis.restart();
    await until(() => a.connection.health().ok, 10_000);
    await callTool(a.client, "delete_user", {
      userId: user?.userId,
      confirmationToken: asked.confirmationToken,
    });
    expect(sandbox.state.users.has(user?.userId ?? "")).toBe(false);
  });
});
