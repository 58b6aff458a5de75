/**
 * The fleet's login lock in a real redis-server: a replica that finds it held waits for the token
 * a bounded while (its callers may give up sooner), then logs in itself.
 */
import { Agent } from "undici";
import { describe, expect, it, onTestFinished } from "vitest";
import { accountKey } from "../../src/client/fleet-login-store.js";
import { PasswordGrantTokenProvider } from "../../src/client/password-grant.js";
import { RedisConnection } from "../../src/redis/redis-connection.js";
import { RedisFleetLoginStore } from "../../src/redis/redis-fleet-login-store.js";
import { testLogger } from "../helpers/logs.js";
import { startRedis } from "../helpers/redis.js";
import { tokenRequests, useSandbox } from "../helpers/sandbox.js";
import { until } from "../helpers/until.js";
import { STATE_KEY } from "./replica-login.js";

async function replicaWithLockHeldElsewhere() {
  const [sandbox, redis] = await Promise.all([useSandbox(), startRedis()]);
  const connection = new RedisConnection(redis.url, testLogger());
  connection.start();
  onTestFinished(() => connection.close());
  await until(() => connection.health().ok);
  const agent = new Agent();
  onTestFinished(() => agent.close());
  const credentials = sandbox.login();
  const tokenUrl = new URL(sandbox.tokenUrl);
  // A replica that took the lock and then died: its lock outlives this test.
  const lockKey = `contabo-users-mcp:login:${accountKey(tokenUrl, credentials.clientId, credentials.username)}:lock`;
  await connection.client.set(lockKey, "a replica that died", { expiration: { type: "PX", value: 60_000 } });
  const tokens = new PasswordGrantTokenProvider({
    tokenUrl,
    credentials,
    dispatcher: agent,
    logger: testLogger(),
    fleetLoginStore: new RedisFleetLoginStore(connection, { stateKey: STATE_KEY }),
    fleetLoginPolicy: { pollMs: 10, waitMs: 200 },
  });
  return { sandbox, connection, tokens, lockKey };
}

describe("the fleet's login lock (Redis)", () => {
  it("a replica that finds the lock held and no token coming logs in itself after a bounded wait", async () => {
    const { sandbox, tokens, connection, lockKey } = await replicaWithLockHeldElsewhere();
    await expect(tokens.getToken()).resolves.toMatch(/^eyJ/);
    expect(tokenRequests(sandbox)).toHaveLength(1);
    // It published its token for the others, and left the lock it did not take alone.
    expect(await connection.client.keys("*")).toEqual(
      expect.arrayContaining([lockKey.replace(/lock$/, "token")]),
    );
    expect(await connection.client.get(lockKey)).toBe("a replica that died");
  });

  it("a caller that gives up stops waiting at once; the others still get the token", async () => {
    const { tokens } = await replicaWithLockHeldElsewhere();
    const impatient = new AbortController();
    const waiting = tokens.getToken(impatient.signal);
    const patient = tokens.getToken();
    impatient.abort(new Error("the caller cancelled"));
    await expect(waiting).rejects.toThrow("the caller cancelled");
    await expect(patient).resolves.toMatch(/^eyJ/);
  });
});
