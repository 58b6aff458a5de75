import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import type {
  FleetLoginStore,
  LoginLock,
  SharedClientSecret,
  SharedToken,
} from "../client/fleet-login-store.js";
import type { RedisConnection } from "./redis-connection.js";
import { SealedValueError, SecretSealer } from "./sealed-secret.js";

/** Deletes KEYS[1] when it still starts with ARGV[1] (a token's digest, or a lock's owner). */
const DELETE_IF_OURS = `
local value = redis.call('GET', KEYS[1])
if value and string.sub(value, 1, #ARGV[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

/** Stores a sealed secret (ARGV[2]) rotated at ARGV[1], unless a secret rotated at that time or later is there. */
const PUBLISH_IF_NEWER = `
local current = tonumber(redis.call('HGET', KEYS[1], 'rotatedAt') or '0')
if current >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'rotatedAt', ARGV[1], 'sealed', ARGV[2])
return 1
`;

const sharedTokenSchema = z.object({ accessToken: z.string().min(1), renewAt: z.number() });
const sharedSecretSchema = z.object({ secret: z.string().min(1), rotatedAt: z.number() });

export interface RedisFleetLoginStoreOptions {
  /**
   * CONTABO_MCP_STATE_KEY (at least 32 characters, the same on every replica): seals the token and
   * the rotated client secret. Without it, the token is kept in clear and the secret is not shared.
   */
  stateKey?: string;
  prefix?: string;
}

/**
 * The fleet's login to Contabo in Redis or Valkey (see FleetLoginStore), under
 * `<prefix>login:<account>:`:
 * - `token`: `<digest of the token>.<the token and when to renew it>`, expiring with it;
 * - `lock`: the owner of the login in progress (SET NX PX), released only by that owner;
 * - `client-secret`: a hash of `rotatedAt` and the sealed secret, replaced only by a newer one.
 */
export class RedisFleetLoginStore implements FleetLoginStore {
  readonly sharesClientSecret: boolean;
  private readonly sealer: SecretSealer | undefined;
  private readonly prefix: string;

  constructor(
    private readonly connection: RedisConnection,
    options: RedisFleetLoginStoreOptions = {},
  ) {
    this.sealer = options.stateKey === undefined ? undefined : new SecretSealer(options.stateKey);
    this.sharesClientSecret = this.sealer !== undefined;
    this.prefix = options.prefix ?? "contabo-users-mcp:";
  }

  async readToken(account: string): Promise<SharedToken | undefined> {
    const key = this.key(account, "token");
    const value = await this.connection.run((client) => client.get(key));
    if (value === null) return undefined;
    const payload = value.slice(value.indexOf(".") + 1);
    return sharedTokenSchema.parse(JSON.parse(this.open(payload, key)));
  }

  async publishToken(account: string, token: SharedToken, ttlMs: number): Promise<void> {
    const key = this.key(account, "token");
    const value = `${tokenDigest(token.accessToken)}.${this.seal(JSON.stringify(token), key)}`;
    await this.connection.run((client) =>
      client.set(key, value, { expiration: { type: "PX", value: Math.max(1, Math.ceil(ttlMs)) } }),
    );
  }

  async discardToken(account: string, accessToken: string): Promise<void> {
    const key = this.key(account, "token");
    await this.connection.run((client) =>
      client.eval(DELETE_IF_OURS, { keys: [key], arguments: [`${tokenDigest(accessToken)}.`] }),
    );
  }

  async tryLock(account: string, ttlMs: number): Promise<LoginLock | undefined> {
    const key = this.key(account, "lock");
    const owner = randomBytes(16).toString("base64url");
    const reply = await this.connection.run((client) =>
      client.set(key, owner, { condition: "NX", expiration: { type: "PX", value: ttlMs } }),
    );
    if (reply !== "OK") return undefined;
    return {
      release: async () => {
        await this.connection.run((client) =>
          client.eval(DELETE_IF_OURS, { keys: [key], arguments: [owner] }),
        );
      },
    };
  }

  async readClientSecret(account: string): Promise<SharedClientSecret | undefined> {
    const sealer = this.sealer;
    if (!sealer) return undefined;
    const key = this.key(account, "client-secret");
    const sealed = await this.connection.run((client) => client.hGet(key, "sealed"));
    if (sealed === null) return undefined;
    return sharedSecretSchema.parse(JSON.parse(sealer.open(sealed, key)));
  }

  async publishClientSecret(account: string, secret: SharedClientSecret): Promise<void> {
    const sealer = this.sealer;
    if (!sealer) {
      throw new Error("the client secret is shared only when sealed: set CONTABO_MCP_STATE_KEY");
    }
    const key = this.key(account, "client-secret");
    const sealed = sealer.seal(JSON.stringify(secret), key);
    await this.connection.run((client) =>
      client.eval(PUBLISH_IF_NEWER, { keys: [key], arguments: [String(secret.rotatedAt), sealed] }),
    );
  }

  private key(account: string, item: "token" | "lock" | "client-secret"): string {
    return `${this.prefix}login:${account}:${item}`;
  }

  private seal(plaintext: string, context: string): string {
    return this.sealer ? this.sealer.seal(plaintext, context) : plaintext;
  }

  private open(payload: string, context: string): string {
    if (this.sealer) return this.sealer.open(payload, context);
    if (payload.startsWith("v1.")) {
      throw new SealedValueError(
        `the shared value at ${context} was sealed with CONTABO_MCP_STATE_KEY, which this replica lacks: every replica needs the same key`,
      );
    }
    return payload;
  }
}

/** Names a token without showing it: lets a replica remove the token the API refused, and only that one. */
function tokenDigest(accessToken: string): string {
  return createHash("sha256").update(accessToken).digest("base64url").slice(0, 22);
}
