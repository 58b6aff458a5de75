import { createHash } from "node:crypto";

/** An access token one replica obtained, for the others to use until `renewAt` (ms since the epoch). */
export interface SharedToken {
  accessToken: string;
  renewAt: number;
}

/** The API client's secret after a rotation, stamped with when it was rotated (ms since the epoch). */
export interface SharedClientSecret {
  secret: string;
  rotatedAt: number;
}

/** Held by the one replica that logs in for the fleet; released when that login is over. */
export interface LoginLock {
  release(): Promise<void>;
}

/**
 * What the replicas of a fleet share about their login to Contabo, so that the fleet logs in once
 * rather than once per replica, and a client secret rotated on one replica reaches all of them.
 *
 * `account` names one Contabo login (a digest of token URL, client id and user, see accountKey):
 * replicas of different accounts sharing one store never take each other's tokens or secrets.
 * Every method may throw (the store is down, a value cannot be read): the token provider then logs
 * in by itself, as a replica without a shared store does.
 */
export interface FleetLoginStore {
  /** The access token last published for `account`, if any (expired or not: the reader decides). */
  readToken(account: string): Promise<SharedToken | undefined>;
  /** Publishes a token for the other replicas; the store forgets it after `ttlMs`. */
  publishToken(account: string, token: SharedToken, ttlMs: number): Promise<void>;
  /** Removes `accessToken` after the API refused it, unless another token replaced it meanwhile. */
  discardToken(account: string, accessToken: string): Promise<void>;
  /** Takes the fleet's login lock for at most `ttlMs`, or answers undefined when another replica holds it. */
  tryLock(account: string, ttlMs: number): Promise<LoginLock | undefined>;
  /**
   * Whether the store can keep a client secret (it is sealed with a key every replica has, such as
   * CONTABO_MCP_STATE_KEY). When false, a rotated secret stays in the replica that rotated it.
   */
  readonly sharesClientSecret: boolean;
  /** The newest rotated secret published for `account`, if any. */
  readClientSecret(account: string): Promise<SharedClientSecret | undefined>;
  /** Publishes a rotated secret, unless a newer one (by `rotatedAt`) is there already. */
  publishClientSecret(account: string, secret: SharedClientSecret): Promise<void>;
}

/**
 * The name under which replicas share one Contabo login: a digest of the token endpoint, the client
 * id and the user, so that the store holds no e-mail address and two accounts never mix.
 */
export function accountKey(tokenUrl: URL, clientId: string, username: string): string {
  return createHash("sha256")
    .update(JSON.stringify([tokenUrl.href, clientId, username]))
    .digest("base64url")
    .slice(0, 22);
}
