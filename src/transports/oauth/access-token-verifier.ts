import {
  type AuthInfo,
  OAuthError,
  OAuthErrorCode,
  type OAuthTokenVerifier,
} from "@modelcontextprotocol/server";
import { createRemoteJWKSet, errors, jwtVerify } from "jose";
import { z } from "zod";

/** Asymmetric JWS algorithms only: a shared-secret (HS*) or unsigned (none) token is refused. */
export const ACCEPTED_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
] as const;

export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;
/** After a key-set fetch, a token with an unknown key id fetches again only once this has passed. */
export const DEFAULT_JWKS_COOLDOWN_MS = 30_000;
/** How often the key set is fetched again in the background, so that a withdrawn key stops working. */
export const DEFAULT_JWKS_REFRESH_MS = 10 * 60_000;
const JWKS_TIMEOUT_MS = 5_000;

/** What `AuthInfo.token` holds: handlers never see the caller's token, so it cannot travel further. */
export const WITHHELD_TOKEN = "(OAuth access token, withheld)";

/** The claims read after the signature, issuer, audience and times are verified. */
const AccessTokenClaimsSchema = z.looseObject({
  exp: z.number(),
  sub: z.string().min(1).optional(),
  client_id: z.string().min(1).optional(),
  azp: z.string().min(1).optional(),
  scope: z.string().optional(),
  scp: z.union([z.string(), z.array(z.string())]).optional(),
  jti: z.string().optional(),
});
type AccessTokenClaims = z.output<typeof AccessTokenClaimsSchema>;

export interface AccessTokenVerifierOptions {
  /** The `iss` tokens must carry. */
  issuer: string;
  /** The `aud` tokens must name (one of, when it is a list). */
  audience: string;
  /** Our RFC 8707 resource identifier, reported in `AuthInfo.resource`. */
  resource: string;
  /** The issuer's key set. */
  jwksUri: string;
  clockToleranceSeconds?: number;
  jwksCooldownMs?: number;
  jwksRefreshMs?: number;
  /** Told when a background refresh of the key set fails (the keys held so far stay in use). */
  onRefreshError?: (error: KeysUnavailableError) => void;
}

/** The token could not be checked because the issuer's keys could not be read: not the caller's fault. */
export class KeysUnavailableError extends Error {}

/**
 * Verifies JWT access tokens locally against the issuer's published keys (RFC 9068 style): the
 * signature with an asymmetric algorithm, `iss`, `aud`, `exp` (required) and `nbf` with a clock
 * tolerance. Refusals are OAuthErrors with code `invalid_token`.
 *
 * The key set is held in memory and fetched again in the background every 10 minutes; a failed
 * fetch keeps the keys held, so an outage of the issuer does not stop verification. A token signed
 * with an unknown key id fetches the set at once, at most once per cooldown (jose's
 * `cooldownDuration`).
 */
export class JwtAccessTokenVerifier implements OAuthTokenVerifier {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: AccessTokenVerifierOptions) {
    this.keys = createRemoteJWKSet(new URL(options.jwksUri), {
      cooldownDuration: options.jwksCooldownMs ?? DEFAULT_JWKS_COOLDOWN_MS,
      // Never stale on the request path (jose would fetch before verifying, and fail with the issuer
      // down): the background refresh keeps the set current.
      cacheMaxAge: Number.POSITIVE_INFINITY,
      timeoutDuration: JWKS_TIMEOUT_MS,
    });
  }

  /**
   * Fetches the key set now (at start, so that a broken `jwks_uri` is found before any caller),
   * then again in the background until `close`.
   */
  async loadKeys(): Promise<void> {
    try {
      await this.keys.reload();
    } catch (error) {
      throw this.keysUnavailable(error);
    }
    clearInterval(this.refreshTimer);
    this.refreshTimer = setInterval(() => {
      this.keys
        .reload()
        .catch((error: unknown) => this.options.onRefreshError?.(this.keysUnavailable(error)));
    }, this.options.jwksRefreshMs ?? DEFAULT_JWKS_REFRESH_MS);
    this.refreshTimer.unref();
  }

  /** Stops the background refresh. */
  close(): void {
    clearInterval(this.refreshTimer);
    this.refreshTimer = undefined;
  }

  async verifyAccessToken(token: string): Promise<AuthInfo> {
    let claims: AccessTokenClaims;
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        algorithms: [...ACCEPTED_ALGORITHMS],
        issuer: this.options.issuer,
        audience: this.options.audience,
        clockTolerance: this.options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ["exp"],
      });
      claims = AccessTokenClaimsSchema.parse(payload);
    } catch (error) {
      throw this.refusal(error);
    }
    const clientId = claims.client_id ?? claims.azp ?? claims.sub;
    const subject = claims.sub ?? clientId;
    if (clientId === undefined || subject === undefined) {
      throw invalidToken("the token names neither a subject (sub) nor a client (client_id, azp)");
    }
    return {
      token: WITHHELD_TOKEN,
      clientId,
      scopes: scopesOf(claims),
      expiresAt: claims.exp,
      resource: new URL(this.options.resource),
      extra: { subject, issuer: this.options.issuer, ...(claims.jti ? { tokenId: claims.jti } : {}) },
    };
  }

  /** Why a token was refused, as the caller may read it; or KeysUnavailableError when the keys could not be read. */
  private refusal(error: unknown): Error {
    if (error instanceof errors.JWTExpired) return invalidToken("the token has expired");
    if (error instanceof errors.JWTClaimValidationFailed) {
      if (error.reason === "missing") return invalidToken(`the token has no ${error.claim} claim`);
      switch (error.claim) {
        case "iss":
          return invalidToken(
            `the token was issued by another issuer (this server accepts ${this.options.issuer})`,
          );
        case "aud":
          return invalidToken(
            `the token was not issued for this resource (its audience must be ${this.options.audience})`,
          );
        case "nbf":
          return invalidToken("the token is not valid yet (nbf)");
        default:
          return invalidToken(`the token's ${error.claim} claim is not acceptable (${error.reason})`);
      }
    }
    if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
      return invalidToken(
        "the token is not signed with an accepted algorithm (asymmetric only: RS*, PS*, ES*, EdDSA)",
      );
    }
    if (error instanceof errors.JWSSignatureVerificationFailed) {
      return invalidToken("the token's signature does not verify");
    }
    if (error instanceof errors.JWKSNoMatchingKey) {
      return invalidToken("the token is signed with a key the issuer does not publish");
    }
    if (error instanceof errors.JWKSMultipleMatchingKeys) {
      return invalidToken("the token names no key id (kid) and several of the issuer's keys match");
    }
    if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
      return invalidToken("the token is not a signed JWT");
    }
    if (error instanceof z.ZodError) {
      const fields = error.issues.map((issue) => issue.path.join(".")).join(", ");
      return invalidToken(`the token's claims are malformed: ${fields}`);
    }
    return this.keysUnavailable(error);
  }

  private keysUnavailable(error: unknown): KeysUnavailableError {
    // A failed fetch says "fetch failed"; its cause says why (connection refused, timeout...).
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const reason = cause instanceof Error ? cause.message : String(cause);
    return new KeysUnavailableError(
      `could not read the OAuth issuer's keys at ${this.options.jwksUri}: ${reason}`,
    );
  }
}

function invalidToken(description: string): OAuthError {
  return new OAuthError(OAuthErrorCode.InvalidToken, description);
}

/** `scope` (space-separated, RFC 9068) or `scp` (a list or a string, as some issuers write it). */
function scopesOf(claims: AccessTokenClaims): string[] {
  const raw = claims.scope ?? claims.scp ?? [];
  return (typeof raw === "string" ? raw.split(" ") : raw).filter((scope) => scope !== "");
}
