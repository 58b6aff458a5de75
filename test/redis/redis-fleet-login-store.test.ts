/**
 * Replicas of our server (in process, each with its own Redis connection and Contabo client) over
 * one sandbox and one real redis-server: the fleet logs in once, a client secret rotated on one
 * replica reaches the others, and with Redis down each replica logs in by itself.
 */
import { describe, expect, it } from "vitest";
import { ContaboAuthError } from "../../src/client/errors.js";
import { startRedis } from "../helpers/redis.js";
import { apiRequests, tokenRequests, useSandbox } from "../helpers/sandbox.js";
import { until } from "../helpers/until.js";
import { grants, loginReplica } from "./replica-login.js";

/** Past the sandbox's 300 s access tokens (and their 30 s renewal margin), within its 1800 s refresh tokens. */
const PAST_TOKEN_LIFETIME_MS = 301_000;

describe("the shared login of replicas (Redis, sandbox, real HTTP)", () => {
  it("three replicas making 30 concurrent calls log in once, for all of them", async () => {
    const [sandbox, redis] = await Promise.all([useSandbox(), startRedis()]);
    const replicas = await Promise.all([1, 2, 3].map(() => loginReplica(sandbox, redis.url)));
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => replicas[i % 3]?.api.retrieveUserClient()),
    );
    expect(results.map((result) => result?.status)).toEqual(Array(30).fill(200));
    expect(grants(tokenRequests(sandbox))).toEqual(["password 200"]);
    expect(apiRequests(sandbox)).toHaveLength(30);
  });

  it("a token the API refused is not taken from the store again: the fleet logs in once more", async () => {
    const [sandbox, redis] = await Promise.all([useSandbox(), startRedis()]);
    const replicas = await Promise.all([1, 2, 3].map(() => loginReplica(sandbox, redis.url)));
    await Promise.all(replicas.map((replica) => replica.api.retrieveUserClient()));
    sandbox.revokeTokens();
    const results = await Promise.all(
      Array.from({ length: 15 }, (_, i) => replicas[i % 3]?.api.retrieveUserClient()),
    );
    expect(results.map((result) => result?.status)).toEqual(Array(15).fill(200));
    // One login before the revocation and one after (the replica that logged in first tries its
    // refresh token, which the ended session refuses, before the password).
    const logins = grants(tokenRequests(sandbox)).filter((grant) => grant !== "refresh_token 400");
    expect(logins).toEqual(["password 200", "password 200"]);
  });

  it("after a rotation on one replica, the others log in with the new secret, with no restart", async () => {
    const [sandbox, redis] = await Promise.all([useSandbox(), startRedis()]);
    let clock = Date.now();
    const now = () => clock;
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => loginReplica(sandbox, redis.url, { now })));
    if (!a || !b || !c) throw new Error("three replicas");
    const oldSecret = sandbox.login().clientSecret;
    await a.api.retrieveUserClient();
    await a.api.generateClientSecret();
    expect(sandbox.login().clientSecret).not.toBe(oldSecret);

    // B's token expires: B logs in for the fleet, and must use the secret A rotated.
    clock += PAST_TOKEN_LIFETIME_MS;
    await expect(b.api.retrieveUserClient()).resolves.toHaveProperty("status", 200);
    expect(b.said("using the client secret another replica rotated")).toBe(1);
    // And again for C, which had never logged in itself.
    clock += PAST_TOKEN_LIFETIME_MS;
    await expect(c.api.retrieveUserClient()).resolves.toHaveProperty("status", 200);
    expect(c.said("using the client secret another replica rotated")).toBe(1);
    await expect(a.api.retrieveUserClient()).resolves.toHaveProperty("status", 200);
    expect(tokenRequests(sandbox).at(-1)?.status).toBe(200);
    expect(apiRequests(sandbox).every((request) => request.status === 200)).toBe(true);
  });

  it("a replica started after the rotation with the old secret in its environment still logs in", async () => {
    const [sandbox, redis] = await Promise.all([useSandbox(), startRedis()]);
    const a = await loginReplica(sandbox, redis.url);
    const oldLogin = sandbox.login();
    await a.api.generateClientSecret();
    // Its clock is ahead: the token A published has expired for it, so it logs in itself.
    const ahead = Date.now() + PAST_TOKEN_LIFETIME_MS;
    const late = await loginReplica(sandbox, redis.url, { credentials: oldLogin, now: () => ahead });
    await expect(late.api.retrieveUserClient()).resolves.toHaveProperty("status", 200);
    // Refused with the old secret, then in with the one A published.
    expect(grants(tokenRequests(sandbox))).toEqual(["password 200", "password 401", "password 200"]);
    expect(late.said("using the client secret another replica rotated")).toBe(1);
  });

  it("with Redis down, each replica logs in by itself and calls succeed; one warning each", async () => {
    const [sandbox, redis] = await Promise.all([useSandbox(), startRedis()]);
    const replicas = await Promise.all([1, 2, 3].map(() => loginReplica(sandbox, redis.url)));
    await redis.stop();
    await until(() => replicas.every((replica) => !replica.connection.health().ok));
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => replicas[i % 3]?.api.retrieveUserClient()),
    );
    expect(results.map((result) => result?.status)).toEqual(Array(30).fill(200));
    expect(grants(tokenRequests(sandbox))).toEqual(["password 200", "password 200", "password 200"]);
    for (const replica of replicas) {
      expect(replica.said("shared login unavailable: this replica logs in to Contabo by itself")).toBe(1);
    }
  });

  it("a rotation while Redis is down reaches the other replicas once it is back", async () => {
    const [sandbox, redis] = await Promise.all([useSandbox(), startRedis()]);
    let clock = Date.now();
    const now = () => clock;
    const [a, b] = await Promise.all([1, 2].map(() => loginReplica(sandbox, redis.url, { now })));
    if (!a || !b) throw new Error("two replicas");
    await a.api.retrieveUserClient();
    await redis.stop();
    await until(() => !a.connection.health().ok);
    await a.api.generateClientSecret();
    expect(a.said("could not share the rotated client secret")).toBe(1);

    await redis.restart();
    await until(() => a.connection.health().ok && b.connection.health().ok, 10_000);
    // A's next login publishes the secret it kept; B's next login takes it.
    clock += PAST_TOKEN_LIFETIME_MS;
    await a.api.retrieveUserClient();
    clock += PAST_TOKEN_LIFETIME_MS;
    await expect(b.api.retrieveUserClient()).resolves.toHaveProperty("status", 200);
    expect(b.said("using the client secret another replica rotated")).toBe(1);
  });

  it("keeps no secret or token in clear in Redis; a replica with another key cannot read them", async () => {
    const [sandbox, redis] = await Promise.all([useSandbox(), startRedis()]);
    const a = await loginReplica(sandbox, redis.url);
    const oldLogin = sandbox.login();
    await a.api.retrieveUserClient();
    await a.api.generateClientSecret();
    const newSecret = sandbox.login().clientSecret;

    const values: string[] = [];
    for (const key of await a.connection.client.keys("*")) {
      const type = await a.connection.client.type(key);
      if (type === "string") values.push((await a.connection.client.get(key)) ?? "");
      else if (type === "hash") values.push(JSON.stringify(await a.connection.client.hGetAll(key)));
      else values.push(`${key}: unexpected ${type}`);
    }
    // The token (after its digest) and the client secret, each sealed.
    expect(values).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^[\w-]{22}\.v1\./),
        expect.stringMatching(/"sealed":"v1\./),
      ]),
    );
    const issued = [...sandbox.state.issuedSecrets];
    for (const value of values) {
      expect(value).not.toMatch(/unexpected/);
      for (const secret of [newSecret, oldLogin.clientSecret, oldLogin.password, ...issued]) {
        expect(value).not.toContain(secret);
      }
    }

    const ahead = Date.now() + PAST_TOKEN_LIFETIME_MS;
    const stranger = await loginReplica(sandbox, redis.url, {
      stateKey: "another-state-key-of-32-characters-or-more",
      credentials: oldLogin,
      now: () => ahead,
    });
    const error = await stranger.api.retrieveUserClient().catch((e: unknown) => e);
    // It fell back to its own login, with the secret it has, which Contabo refuses.
    expect(error).toBeInstanceOf(ContaboAuthError);
    expect((error as Error).message).toContain("Contabo refused the API client: unauthorized_client");
    expect(
      stranger.said("sealed under another CONTABO_MCP_STATE_KEY: every replica needs the same key"),
    ).toBe(1);
  });

  it("without CONTABO_MCP_STATE_KEY, shares the token but not the secret, and says so at a rotation", async () => {
    const [sandbox, redis] = await Promise.all([useSandbox(), startRedis()]);
    const [a, b] = await Promise.all([1, 2].map(() => loginReplica(sandbox, redis.url, { stateKey: null })));
    if (!a || !b) throw new Error("two replicas");
    await Promise.all([a.api.retrieveUserClient(), b.api.retrieveUserClient()]);
    expect(grants(tokenRequests(sandbox))).toEqual(["password 200"]);
    await a.api.generateClientSecret();
    expect(a.said("the rotated client secret stays in this replica")).toBe(1);
    const keys = await a.connection.client.keys("*");
    expect(keys.filter((key) => key.endsWith(":client-secret"))).toEqual([]);
  });
});
