import { type TokenResponse, tokenResponseSchema } from "../contabo-api-schemas/token.js";
import type { Logger } from "../shared/log.js";
import type { SecretRedactor } from "../shared/secrets.js";
import { raceAbort } from "./abortable.js";
import type { PasswordGrantCredentials } from "./credentials.js";
import { ContaboAuthError, ContaboNetworkError, describeNetworkError } from "./errors.js";
import { FleetLogin, type FleetLoginPolicy } from "./fleet-login.js";
import {
  accountKey,
  type FleetLoginStore,
  type SharedClientSecret,
  type SharedToken,
} from "./fleet-login-store.js";
import { parseJsonOrUndefined } from "./json.js";
import { LoginBackoff, type LoginBackoffPolicy } from "./login-backoff.js";
import { refusesClient, refusesCredentials, tokenEndpointError } from "./token-errors.js";
import type { TokenProvider } from "./token-provider.js";
import { type DispatcherSource, resolveDispatcher, undici } from "./undici.js";

export interface PasswordGrantOptions {
  tokenUrl: URL;
  credentials: PasswordGrantCredentials;
  dispatcher: DispatcherSource;
  /** How long one token request may take. */
  timeoutMs?: number;
  now?: () => number;
  redactor?: SecretRedactor;
  /** How long to answer from a refusal of the credentials before logging in again (default 5 s doubling to 5 min). */
  loginBackoff?: LoginBackoffPolicy;
  logger?: Logger;
  /**
   * The login shared by the replicas of a fleet (a Redis store, see src/redis/): the fleet logs in
   * once, and a secret rotated on one replica reaches the others. Without it, or while it fails,
   * this process logs in by itself.
   */
  fleetLoginStore?: FleetLoginStore;
  fleetLoginPolicy?: Partial<FleetLoginPolicy>;
}

interface CachedToken {
  accessToken: string;
  /** When to stop using the access token: shortly before it expires. */
  renewAt: number;
  refreshToken?: string;
  refreshRenewAt?: number;
}

/** Keycloak lifetimes when the response omits them (jerm1812's simulator values; see users-api.md). */
const DEFAULT_EXPIRES_IN_S = 300;

/**
 * OAuth2 password grant against Contabo's Keycloak, with a token cache, the refresh_token grant while
 * the refresh token is valid, and one shared request for concurrent callers. After Keycloak refuses the
 * credentials, logins are answered from that refusal for a growing while (see LoginBackoff).
 *
 * With a shared login, the access token is shared with the other replicas (see FleetLogin); the
 * refresh token stays in the process that obtained it. Before each login, and once after the token
 * endpoint refuses the client, a client secret rotated on another replica is taken up.
 */
export class PasswordGrantTokenProvider implements TokenProvider {
  readonly mode = "password-grant";
  private cached: CachedToken | undefined;
  private inflight: Promise<string> | undefined;
  private clientSecret: string;
  /**
   * When the secret in use was rotated (wall clock, ms): a secret the fleet rotated later replaces
   * it. The configured secret counts from this process's start.
   */
  private secretRotatedAt = Date.now();
  private readonly now: () => number;
  private readonly backoff: LoginBackoff;
  private readonly fleet: FleetLogin | undefined;

  constructor(private readonly options: PasswordGrantOptions) {
    this.clientSecret = options.credentials.clientSecret;
    this.now = options.now ?? Date.now;
    this.backoff = new LoginBackoff(options.loginBackoff);
    const { fleetLoginStore, credentials, tokenUrl } = options;
    this.fleet = fleetLoginStore
      ? new FleetLogin({
          shared: fleetLoginStore,
          account: accountKey(tokenUrl, credentials.clientId, credentials.username),
          now: this.now,
          logger: options.logger,
          policy: options.fleetLoginPolicy,
        })
      : undefined;
  }

  getToken(signal?: AbortSignal): Promise<string> {
    const cached = this.cached;
    if (cached && this.now() < cached.renewAt) return Promise.resolve(cached.accessToken);
    if (!this.inflight) {
      const refusal = this.backoff.refusalInForce(this.now());
      if (refusal) return Promise.reject(refusal);
      this.inflight = this.obtainToken().finally(() => {
        this.inflight = undefined;
      });
    }
    // One caller giving up (cancellation) must not cancel the request the others wait for.
    return raceAbort(this.inflight, signal);
  }

  invalidate(token: string): boolean {
    if (this.cached?.accessToken === token) {
      this.cached = { ...this.cached, renewAt: 0 };
    }
    this.fleet?.refuse(token);
    return true;
  }

  async useClientSecret(secret: string): Promise<void> {
    const rotatedAt = Date.now();
    this.switchClientSecret(secret, rotatedAt);
    await this.fleet?.publishClientSecret({ secret, rotatedAt });
  }

  private switchClientSecret(secret: string, rotatedAt: number): void {
    this.options.redactor?.remember(secret, true);
    this.clientSecret = secret;
    this.secretRotatedAt = rotatedAt;
    // New credentials: a refusal of the old ones says nothing about them.
    this.backoff.reset();
  }

  private async obtainToken(): Promise<string> {
    const fleet = this.fleet;
    if (!fleet) return this.login();
    const token = await fleet.obtain(async () => {
      const accessToken = await this.login();
      return { accessToken, renewAt: this.cached?.renewAt ?? 0 };
    });
    if (token.accessToken !== this.cached?.accessToken) this.adopt(token);
    return token.accessToken;
  }

  /** Uses a token another replica obtained; our own refresh token, if any, stays ours. */
  private adopt(token: SharedToken): void {
    this.options.redactor?.remember(token.accessToken);
    this.cached = {
      accessToken: token.accessToken,
      renewAt: token.renewAt,
      refreshToken: this.cached?.refreshToken,
      refreshRenewAt: this.cached?.refreshRenewAt,
    };
  }

  private async login(): Promise<string> {
    await this.takeSharedClientSecret((shared) => shared.rotatedAt > this.secretRotatedAt);
    const refreshToken = this.cached?.refreshToken;
    const refreshUsable = refreshToken !== undefined && this.now() < (this.cached?.refreshRenewAt ?? 0);
    if (refreshUsable) {
      try {
        return this.store(
          await this.tokenRequest({ grant_type: "refresh_token", refresh_token: refreshToken }),
        );
      } catch (error) {
        // A refused refresh token (session ended, revoked) is not the user's problem: log in again.
        if (!(error instanceof ContaboAuthError)) throw error;
      }
    }
    return this.passwordGrant(true);
  }

  private async passwordGrant(mayTakeSharedSecret: boolean): Promise<string> {
    const { credentials } = this.options;
    const secretSent = this.clientSecret;
    try {
      return this.store(
        await this.tokenRequest({
          grant_type: "password",
          username: credentials.username,
          password: credentials.password,
        }),
      );
    } catch (error) {
      // The secret was rotated elsewhere (another replica) and published: log in again with it, once.
      const own = { secret: this.clientSecret, rotatedAt: this.secretRotatedAt };
      if (
        mayTakeSharedSecret &&
        refusesClient(error) &&
        (await this.takeSharedClientSecret((shared) => shared.secret !== secretSent))
      ) {
        return this.passwordGrant(false).catch((retryError: unknown) => {
          // Refused too: a stale secret in the store. Keep ours; the refusal stays remembered.
          if (refusesClient(retryError)) {
            this.clientSecret = own.secret;
            this.secretRotatedAt = own.rotatedAt;
          }
          throw retryError;
        });
      }
      // Only a refusal of the credentials still in use: not a network error or a 5xx, not a secret since rotated.
      if (refusesCredentials(error) && secretSent === this.clientSecret) this.rememberRefusal(error);
      throw error;
    }
  }

  /** Switches to the secret the fleet published when `wanted` says so; tells whether it switched. */
  private async takeSharedClientSecret(wanted: (shared: SharedClientSecret) => boolean): Promise<boolean> {
    const shared = await this.fleet?.clientSecret();
    if (!shared || shared.secret === this.clientSecret || !wanted(shared)) return false;
    this.switchClientSecret(shared.secret, shared.rotatedAt);
    this.options.logger?.info("using the client secret another replica rotated", {
      rotatedAt: new Date(shared.rotatedAt).toISOString(),
    });
    return true;
  }

  private rememberRefusal(error: ContaboAuthError): void {
    const retryAt = this.backoff.refused(error, this.now());
    this.options.logger?.warn("Contabo refused the login: no new login before the wait ends", {
      oauthError: error.oauthError,
      retryAt: new Date(retryAt).toISOString(),
    });
  }

  private store(response: TokenResponse): string {
    this.backoff.reset();
    this.options.redactor?.remember(response.access_token);
    this.options.redactor?.remember(response.refresh_token);
    const now = this.now();
    const lifetime = (response.expires_in ?? DEFAULT_EXPIRES_IN_S) * 1000;
    const previous = this.cached;
    this.cached = {
      accessToken: response.access_token,
      renewAt: now + lifetime - renewalMargin(lifetime),
      // Keycloak may answer a refresh without a new refresh token: keep using the one we have.
      ...(response.refresh_token
        ? {
            refreshToken: response.refresh_token,
            refreshRenewAt: refreshRenewAt(now, response.refresh_expires_in),
          }
        : { refreshToken: previous?.refreshToken, refreshRenewAt: previous?.refreshRenewAt }),
    };
    return response.access_token;
  }

  private async tokenRequest(grant: Record<string, string>): Promise<TokenResponse> {
    const { tokenUrl, credentials, dispatcher, timeoutMs = 30_000 } = this.options;
    const form = new URLSearchParams({
      ...grant,
      client_id: credentials.clientId,
      client_secret: this.clientSecret,
    });
    let status: number;
    let text: string;
    try {
      const [{ request }, resolved] = await Promise.all([undici(), resolveDispatcher(dispatcher)]);
      const response = await request(tokenUrl, {
        method: "POST",
        dispatcher: resolved,
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: form.toString(),
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      throw new ContaboNetworkError(
        describeNetworkError(error),
        `POST ${tokenUrl.origin}${tokenUrl.pathname}`,
        undefined,
        {
          cause: error,
        },
      );
    }
    const json = parseJsonOrUndefined(text);
    if (status >= 200 && status < 300) {
      const parsed = tokenResponseSchema.safeParse(json);
      if (parsed.success) return parsed.data;
      throw new ContaboAuthError(
        `The token endpoint answered ${status} without a usable access_token.`,
        "Check CONTABO_AUTH_URL: it must be the OpenID Connect token endpoint of Contabo's Keycloak.",
      );
    }
    throw tokenEndpointError(status, json, grant.grant_type ?? "password");
  }
}

/** When to stop using a refresh token. Without a lifetime, or with 0 ("does not expire"), use it until refused. */
function refreshRenewAt(now: number, expiresInSeconds: number | undefined): number {
  if (!expiresInSeconds) return Number.POSITIVE_INFINITY;
  const lifetime = expiresInSeconds * 1000;
  return now + lifetime - renewalMargin(lifetime);
}

/** Renew a little before expiry: 10% of the lifetime, at most 30 s. */
function renewalMargin(lifetimeMs: number): number {
  return Math.min(30_000, lifetimeMs / 10);
}
