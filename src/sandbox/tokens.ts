import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { sameSecret } from "../shared/fingerprint.js";

export interface TokenClaims {
  /** The caller's own userId (cntb reads it from `sub`). */
  sub: string;
  tenantId: string;
  customerId: string;
  /** The login session (Keycloak's `sid`, and `session_state` in the token response); a refresh keeps it. */
  sid: string;
  /** The granted scopes, as in the token response: a refresh keeps them. */
  scope: string;
  typ: "Bearer" | "Refresh";
  /** NumericDates (RFC 7519 §2): whole seconds since the epoch, as Keycloak issues them. */
  iat: number;
  exp: number;
  jti: string;
  /** The revocation generation the token was issued in. */
  gen: number;
}

/**
 * JWT-shaped tokens (HS256 over a key made per sandbox), like Keycloak's: the sandbox checks the
 * signature, the type and the expiry, and can revoke every token issued so far.
 */
export class SandboxTokens {
  private readonly key = randomBytes(32);
  /** Tokens of earlier generations are refused: revokeAll() starts a new one. */
  private generation = 0;

  constructor(private readonly now: () => number) {}

  issue(
    claims: Pick<TokenClaims, "sub" | "sid" | "scope" | "tenantId" | "customerId" | "typ">,
    ttlSeconds: number,
  ): string {
    const iat = Math.floor(this.now() / 1000);
    const payload: TokenClaims = {
      ...claims,
      iat,
      exp: iat + ttlSeconds,
      jti: randomUUID(),
      gen: this.generation,
    };
    const head = `${encode({ alg: "HS256", typ: "JWT" })}.${encode(payload)}`;
    return `${head}.${this.sign(head)}`;
  }

  /** The claims of a valid, unexpired token of the given type, or undefined. */
  verify(token: string, typ: TokenClaims["typ"]): TokenClaims | undefined {
    const [header, payload, signature] = token.split(".");
    if (!header || !payload || !signature) return undefined;
    if (!sameSecret(signature, this.sign(`${header}.${payload}`))) return undefined;
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as TokenClaims;
    } catch {
      return undefined;
    }
    // RFC 7519 §4.1.4: not accepted on or after `exp`.
    const now = this.now() / 1000;
    if (claims.typ !== typ || claims.exp <= now || claims.gen !== this.generation) return undefined;
    return claims;
  }

  revokeAll(): void {
    this.generation++;
  }

  private sign(input: string): string {
    return createHmac("sha256", this.key).update(input).digest("base64url");
  }
}

function encode(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}
