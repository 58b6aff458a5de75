import type { Logger } from "../shared/log.js";
import { sleep } from "./abortable.js";
import type { FleetLoginStore, LoginLock, SharedClientSecret, SharedToken } from "./fleet-login-store.js";

export interface FleetLoginPolicy {
  /** How long the replica logging in for the fleet holds the lock at most (default 10 s). */
  lockTtlMs: number;
  /** How often a replica waiting for that login looks for its token (default 50 ms). */
  pollMs: number;
  /** How long it waits before logging in itself (default 5 s). */
  waitMs: number;
}

export const DEFAULT_FLEET_LOGIN_POLICY: FleetLoginPolicy = { lockTtlMs: 10_000, pollMs: 50, waitMs: 5_000 };

/** Tokens the API refused, remembered so that a copy still in the store is never taken again. */
const MAX_REFUSED_TOKENS = 32;

/** The store could not be asked: this replica goes on by itself. */
const UNAVAILABLE = Symbol("unavailable");

export interface FleetLoginOptions {
  shared: FleetLoginStore;
  /** See accountKey. */
  account: string;
  /** The token provider's clock, for token expiry. */
  now: () => number;
  logger?: Logger;
  policy?: Partial<FleetLoginPolicy>;
}

/**
 * One replica's side of the shared login: takes the token another replica published; else logs in
 * under the fleet's lock and publishes the token, while the replicas that lost the lock wait for it
 * (bounded; then each logs in itself). Every failure of the store is logged once per kind and
 * answered by logging in here: reads go on while the store is down.
 */
export class FleetLogin {
  private readonly policy: FleetLoginPolicy;
  private readonly refused: string[] = [];
  private readonly warnedAbout = new Set<string>();
  /** A rotated secret not yet published because the store was down: published at the next login. */
  private unpublishedSecret: SharedClientSecret | undefined;

  constructor(private readonly options: FleetLoginOptions) {
    this.policy = { ...DEFAULT_FLEET_LOGIN_POLICY, ...options.policy };
  }

  /**
   * A token for this replica: one the fleet has, or the one `loginHere` obtains (under the fleet's
   * lock when it can be had), then published for the others.
   */
  async obtain(loginHere: () => Promise<SharedToken>): Promise<SharedToken> {
    const published = await this.usableToken();
    if (published) return published;
    const polls = Math.ceil(this.policy.waitMs / this.policy.pollMs);
    for (let poll = 0; poll <= polls; poll++) {
      const lock = await this.guarded("lock", () =>
        this.options.shared.tryLock(this.options.account, this.policy.lockTtlMs),
      );
      if (lock === UNAVAILABLE) break;
      if (lock) return this.loginForFleet(lock, loginHere);
      // Another replica is logging in: its token appears, or its lock is released or expires.
      await sleep(this.policy.pollMs);
      const appeared = await this.usableToken();
      if (appeared) return appeared;
    }
    return this.publish(await loginHere());
  }

  /** The API refused `accessToken`: never take it from the store again, and remove it there. */
  refuse(accessToken: string): void {
    if (this.refused.includes(accessToken)) return;
    this.refused.push(accessToken);
    if (this.refused.length > MAX_REFUSED_TOKENS) this.refused.shift();
    void this.guarded("discard token", () =>
      this.options.shared.discardToken(this.options.account, accessToken),
    );
  }

  /** The newest rotated secret the fleet published, if the store shares secrets and can be read. */
  async clientSecret(): Promise<SharedClientSecret | undefined> {
    if (!this.options.shared.sharesClientSecret) return undefined;
    await this.publishUnpublishedSecret("quietly");
    const secret = await this.guarded("read client secret", () =>
      this.options.shared.readClientSecret(this.options.account),
    );
    return secret === UNAVAILABLE ? undefined : secret;
  }

  /** Tells the fleet about a secret this replica rotated; never throws (a failure is logged). */
  async publishClientSecret(secret: SharedClientSecret): Promise<void> {
    if (!this.options.shared.sharesClientSecret) {
      this.options.logger?.warn(
        "the rotated client secret stays in this replica: the others log in with the old one until restarted with the new CONTABO_CLIENT_SECRET (set CONTABO_MCP_STATE_KEY on every replica to share rotations)",
      );
      return;
    }
    this.unpublishedSecret = secret;
    await this.publishUnpublishedSecret("warn");
  }

  /** A failure is a warning when it happens at the rotation, a debug line at later tries. */
  private async publishUnpublishedSecret(onFailure: "warn" | "quietly"): Promise<void> {
    const secret = this.unpublishedSecret;
    if (!secret) return;
    try {
      await this.options.shared.publishClientSecret(this.options.account, secret);
      if (this.unpublishedSecret === secret) this.unpublishedSecret = undefined;
    } catch (error) {
      const message =
        "could not share the rotated client secret with the other replicas: retried at this replica's next login; until then they are refused at theirs";
      if (onFailure === "warn") this.options.logger?.warn(message, { reason: describe(error) });
      else this.options.logger?.debug(message, { reason: describe(error) });
    }
  }

  private async loginForFleet(lock: LoginLock, loginHere: () => Promise<SharedToken>): Promise<SharedToken> {
    try {
      // Another replica may have published between our look and our lock.
      return (await this.usableToken()) ?? (await this.publish(await loginHere()));
    } finally {
      await this.guarded("release lock", () => lock.release());
    }
  }

  private async usableToken(): Promise<SharedToken | undefined> {
    const token = await this.guarded("read token", () => this.options.shared.readToken(this.options.account));
    if (token === UNAVAILABLE || token === undefined) return undefined;
    if (this.refused.includes(token.accessToken) || this.options.now() >= token.renewAt) return undefined;
    return token;
  }

  private async publish(token: SharedToken): Promise<SharedToken> {
    const ttlMs = token.renewAt - this.options.now();
    if (ttlMs > 0) {
      await this.guarded("publish token", () =>
        this.options.shared.publishToken(this.options.account, token, ttlMs),
      );
    }
    return token;
  }

  /** Runs a store operation; a failure is logged (once per kind of error) and answered by UNAVAILABLE. */
  private async guarded<T>(operation: string, run: () => Promise<T>): Promise<T | typeof UNAVAILABLE> {
    try {
      return await run();
    } catch (error) {
      const kind = error instanceof Error ? error.name : typeof error;
      if (!this.warnedAbout.has(kind)) {
        this.warnedAbout.add(kind);
        this.options.logger?.warn(
          "shared login unavailable: this replica logs in to Contabo by itself meanwhile",
          { operation, reason: describe(error) },
        );
      }
      return UNAVAILABLE;
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
