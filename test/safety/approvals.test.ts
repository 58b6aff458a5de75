/**
 * The approval book over both safety stores (this process's memory, and Redis shared by two
 * replicas): decided once, used once, found by the call it was made for, gone when it expires.
 */
import { createHmac } from "node:crypto";
import { describe, expect, it, onTestFinished } from "vitest";
import { RedisConnection } from "../../src/redis/redis-connection.js";
import { RedisSafetyStore } from "../../src/redis/redis-safety-store.js";
import { ApprovalBook, type Approver } from "../../src/safety/approvals.js";
import { MemorySafetyStore, type SafetyStore } from "../../src/safety/safety-store.js";
import { testLogger } from "../helpers/logs.js";
import { startRedis } from "../helpers/redis.js";
import { until } from "../helpers/until.js";

const digest = (label: string, value: string) =>
  createHmac("sha256", "test-key").update(`${label}:${value}`).digest("base64url");
const call = { tool: "delete_user", args: { userId: "u-1" }, caller: "http:alice", kinds: ["delete-user"] };
const preview = {
  action: 'Delete the user "eve@example.com" for good.',
  target: { userId: "u-1", email: "eve@example.com" },
  fingerprint: "state-1",
  typeToConfirm: { label: "Type the user's e-mail", value: "eve@example.com" },
};
const bob: Approver = { who: "oidc:bob", subject: "bob", via: "sign-in" };

async function redisStores(): Promise<[SafetyStore, SafetyStore]> {
  const redis = await startRedis();
  const stores = await Promise.all(
    [0, 1].map(async () => {
      const connection = new RedisConnection(redis.url, testLogger());
      connection.start();
      onTestFinished(() => connection.close());
      await until(() => connection.health().ok);
      return new RedisSafetyStore(connection, `approvals-${process.pid}:`);
    }),
  );
  return [stores[0] as SafetyStore, stores[1] as SafetyStore];
}

async function memoryStores(): Promise<[SafetyStore, SafetyStore]> {
  const store = new MemorySafetyStore();
  return [store, store];
}

describe.each([
  ["memory", memoryStores],
  ["Redis, two replicas", redisStores],
] as const)("the approval book (%s)", (_name, stores) => {
  it("is found by its call, decided exactly once of 100 concurrent decisions, and used exactly once", async () => {
    const [a, b] = await stores();
    const [here, there] = [new ApprovalBook(a, digest), new ApprovalBook(b, digest)];
    const { approval, linkSecret } = await here.open({
      call,
      callerSubject: "alice",
      preview,
      kinds: call.kinds,
      fourEyes: true,
      withLink: true,
    });
    expect((await there.forCall(call))?.id).toBe(approval.id);
    expect(await there.forCall({ ...call, caller: "http:mallory" })).toBeUndefined();
    expect(there.linkOpens(approval, linkSecret)).toBe(true);
    expect(there.linkOpens(approval, `${linkSecret}x`)).toBe(false);
    const decisions = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        (i % 2 ? here : there).decide(approval.id, "approved", bob, "EVE@example.com"),
      ),
    );
    expect(decisions.filter((decision) => decision.ok)).toHaveLength(1);
    const decided = await here.get(approval.id);
    expect(decided?.status).toBe("approved");
    expect(decided?.decidedBy).toBe("oidc:bob");
    const uses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? here : there).use(decided as never)),
    );
    expect(uses.filter(Boolean)).toHaveLength(1);
    expect((await there.get(approval.id))?.status).toBe("used");
  });

  it("refuses the caller's own subject under four eyes, and an approval without the typed e-mail", async () => {
    const [a] = await stores();
    const book = new ApprovalBook(a, digest);
    const { approval } = await book.open({
      call,
      callerSubject: "alice",
      preview,
      kinds: call.kinds,
      fourEyes: true,
      withLink: false,
    });
    const self = await book.decide(
      approval.id,
      "approved",
      { who: "oidc:alice", subject: "alice", via: "sign-in" },
      "eve@example.com",
    );
    expect(self).toMatchObject({ ok: false, reason: expect.stringContaining("four eyes") });
    const untyped = await book.decide(approval.id, "approved", bob, "someone@else.example");
    expect(untyped).toMatchObject({ ok: false, reason: expect.stringContaining("does not match") });
    expect((await book.get(approval.id))?.status).toBe("pending");
  });

  it("is gone once it expires: not found, not decidable", async () => {
    const [a] = await stores();
    const book = new ApprovalBook(a, digest, { ttlMs: 50 });
    const { approval } = await book.open({
      call,
      preview,
      kinds: call.kinds,
      fourEyes: false,
      withLink: true,
    });
    const waited = await book.waitForDecision(
      approval.id,
      5_000,
      new AbortController().signal,
      undefined,
      20,
    );
    expect(waited).toBeUndefined();
    expect(await book.forCall(call)).toBeUndefined();
    expect((await book.decide(approval.id, "approved", bob, "eve@example.com")).ok).toBe(false);
  });
});
