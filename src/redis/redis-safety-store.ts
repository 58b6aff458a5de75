import { randomBytes } from "node:crypto";
import type { SafetyStore, Slot } from "../safety/safety-store.js";
import type { RedisConnection } from "./redis-connection.js";

/**
 * A sliding window in one sorted set, atomically: drop what left the window, refuse when full
 * (answering when the oldest entry leaves), else add this entry. Time is the Redis server's, so
 * that every replica counts on one clock.
 */
const TAKE_SLOT = `
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local member = ARGV[3]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) >= limit then
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return {0, tonumber(oldest[2]) + window - now}
end
redis.call('ZADD', key, now, member)
redis.call('PEXPIRE', key, window)
return {1, 0}
`;

/** Compare and set, keeping the key's expiry. */
const SWAP = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
return 1
`;

/**
 * The safety layer's state in Redis or Valkey, shared by every replica: used confirmation nonces
 * (SET NX with an absolute expiry) and rate-limit windows (TAKE_SLOT above).
 */
export class RedisSafetyStore implements SafetyStore {
  constructor(
    private readonly connection: RedisConnection,
    private readonly prefix = "contabo-users-mcp:",
  ) {}

  async claimNonce(nonce: string, expiresAt: number): Promise<boolean> {
    const reply = await this.connection.run((client) =>
      client.set(`${this.prefix}nonce:${nonce}`, "1", {
        condition: "NX",
        expiration: { type: "PXAT", value: Math.max(expiresAt, Date.now() + 1) },
      }),
    );
    return reply === "OK";
  }

  async takeSlot(key: string, limit: number, windowMs: number): Promise<Slot> {
    const slotKey = `${this.prefix}limit:${key}`;
    const member = randomBytes(12).toString("base64url");
    const reply = await this.connection.run((client) =>
      client.eval(TAKE_SLOT, { keys: [slotKey], arguments: [String(limit), String(windowMs), member] }),
    );
    const [taken, waitMs] = Array.isArray(reply) ? reply.map(Number) : [0, windowMs];
    if (taken !== 1)
      return { ok: false, retryInSeconds: Math.max(1, Math.ceil((waitMs ?? windowMs) / 1000)) };
    return {
      ok: true,
      release: async () => {
        await this.connection.run((client) => client.zRem(slotKey, member));
      },
    };
  }

  async putApproval(id: string, callKey: string, record: string, expiresAt: number): Promise<void> {
    const expiration = { type: "PXAT", value: Math.max(expiresAt, Date.now() + 1) } as const;
    await this.connection.run((client) =>
      client
        .multi()
        .set(`${this.prefix}approval:${id}`, record, { expiration })
        .set(`${this.prefix}approval-call:${callKey}`, id, { expiration })
        .zAdd(`${this.prefix}approvals`, { score: expiresAt, value: id })
        .zRemRangeByScore(`${this.prefix}approvals`, "-inf", Date.now())
        .exec(),
    );
  }

  async getApproval(id: string): Promise<string | undefined> {
    const record = await this.connection.run((client) => client.get(`${this.prefix}approval:${id}`));
    return typeof record === "string" ? record : undefined;
  }

  async findApproval(callKey: string): Promise<string | undefined> {
    const id = await this.connection.run((client) => client.get(`${this.prefix}approval-call:${callKey}`));
    return typeof id === "string" ? id : undefined;
  }

  async swapApproval(id: string, expected: string, next: string): Promise<boolean> {
    const reply = await this.connection.run((client) =>
      client.eval(SWAP, { keys: [`${this.prefix}approval:${id}`], arguments: [expected, next] }),
    );
    return Number(reply) === 1;
  }

  async liveApprovals(): Promise<string[]> {
    const ids = await this.connection.run((client) =>
      client.zRangeByScore(`${this.prefix}approvals`, Date.now(), "+inf"),
    );
    return ids.map(String);
  }
}
