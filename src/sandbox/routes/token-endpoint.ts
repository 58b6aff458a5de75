import { randomUUID } from "node:crypto";
import type { SandboxState } from "../state.js";
import type { SandboxTokens } from "../tokens.js";

export interface TokenLifetimes {
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
}

export interface TokenEndpointAnswer {
  status: number;
  /** Absent only on a bare 401 challenge (an Authorization header that is not Basic, and no client_id). */
  body?: Record<string, unknown>;
  headers: Record<string, string>;
}

/** The realm of Contabo's token URL (`/auth/realms/contabo/...`), named in Keycloak's Basic challenge. */
const REALM = "contabo";
/** The message Keycloak gives for every refusal of the client itself (unknown, disabled, wrong or no secret). */
const CLIENT_REFUSED = "Invalid client or Invalid client credentials";
/** RFC 6749 §5.1; Keycloak's TokenEndpoint sets both on every answer. */
const NO_STORE = { "cache-control": "no-store", pragma: "no-cache" };

const oauthError = (status: number, error: string, description: string): TokenEndpointAnswer => ({
  status,
  body: { error, error_description: description },
  headers: { ...NO_STORE },
});

/**
 * Keycloak's token endpoint: the password and refresh_token grants, answered as current Keycloak
 * (TokenEndpoint, ClientIdAndSecretAuthenticator, AuthenticationProcessor, the direct-grant
 * ValidateUsername / ValidatePassword authenticators) does, in its order:
 * 1. grant_type: missing → 400 `invalid_request`; unknown → 400 `unsupported_grant_type`;
 * 2. the client, from HTTP Basic (`client_secret_basic`, id and secret URL-encoded per RFC 6749
 *    §2.3.1) and/or the form (`client_secret_post`); a form field wins over the header's part.
 *    No client_id → 400 `invalid_client`; an unknown client → 401 `invalid_client`; a wrong or
 *    missing secret → 401 `unauthorized_client`;
 * 3. a parameter given twice → 400 `invalid_request`;
 * 4. the grant itself (`invalid_request` / `invalid_grant`).
 */
export function answerTokenRequest(
  form: URLSearchParams,
  state: SandboxState,
  tokens: SandboxTokens,
  lifetimes: TokenLifetimes,
  authorization?: string,
): TokenEndpointAnswer {
  const grantType = form.get("grant_type");
  if (grantType === null) return oauthError(400, "invalid_request", "Missing form parameter: grant_type");
  if (grantType !== "password" && grantType !== "refresh_token") {
    return oauthError(400, "unsupported_grant_type", "Unsupported grant_type");
  }

  const refusal = authenticateClient(form, state, authorization);
  if (refusal) return refusal;

  for (const name of new Set(form.keys())) {
    if (form.getAll(name).length !== 1) return oauthError(400, "invalid_request", "duplicated parameter");
  }

  let userId: string;
  let sessionId: string;
  let scope: string;
  if (grantType === "password") {
    const username = form.get("username");
    if (username === null) return oauthError(401, "invalid_request", "Missing parameter: username");
    // Keycloak keeps usernames and e-mails in lower case and looks them up that way.
    const user = state.findUserByEmail(username);
    if (!user) return oauthError(401, "invalid_grant", "Invalid user credentials");
    // ValidateUsername runs before ValidatePassword: a disabled account is named as such.
    if (!user.enabled) return oauthError(400, "invalid_grant", "Account disabled");
    const login = state.apiLogin;
    if (username.toLowerCase() !== login.username.toLowerCase() || form.get("password") !== login.password) {
      return oauthError(401, "invalid_grant", "Invalid user credentials");
    }
    userId = user.userId;
    sessionId = randomUUID();
    // The default client scopes that go into the token scope; "openid" only when asked for
    // (DefaultClientSessionContext.getScopeString). Our client and cntb ask for none.
    scope = /(^| )openid( |$)/.test(form.get("scope") ?? "") ? "openid profile email" : "profile email";
  } else {
    const refreshToken = form.get("refresh_token");
    if (refreshToken === null) return oauthError(400, "invalid_request", "No refresh token");
    const claims = tokens.verify(refreshToken, "Refresh");
    const user = claims ? state.users.get(claims.sub) : undefined;
    if (!claims || !user) return oauthError(400, "invalid_grant", "Invalid refresh token");
    if (!user.enabled) return oauthError(400, "invalid_grant", "User disabled");
    userId = user.userId;
    sessionId = claims.sid;
    scope = claims.scope;
  }

  const subject = { sub: userId, sid: sessionId, scope, ...state.tenant };
  return {
    status: 200,
    headers: { ...NO_STORE },
    body: {
      access_token: state.recordSecret(
        tokens.issue({ ...subject, typ: "Bearer" }, lifetimes.accessTokenTtlSeconds),
      ),
      expires_in: lifetimes.accessTokenTtlSeconds,
      refresh_expires_in: lifetimes.refreshTokenTtlSeconds,
      refresh_token: state.recordSecret(
        tokens.issue({ ...subject, typ: "Refresh" }, lifetimes.refreshTokenTtlSeconds),
      ),
      token_type: "Bearer",
      "not-before-policy": 0,
      session_state: sessionId,
      scope,
    },
  };
}

/** ClientIdAndSecretAuthenticator: undefined when the client is authenticated, else Keycloak's answer. */
function authenticateClient(
  form: URLSearchParams,
  state: SandboxState,
  authorization: string | undefined,
): TokenEndpointAnswer | undefined {
  let clientId: string | null = null;
  let clientSecret: string | null = null;
  if (authorization !== undefined) {
    const basic = parseBasic(authorization);
    if (basic) {
      [clientId, clientSecret] = basic;
    } else if (!form.has("client_id")) {
      // Not Basic (or not decodable), and no client_id to fall back on: a bare challenge.
      return { status: 401, headers: { ...NO_STORE, "www-authenticate": `Basic realm="${REALM}"` } };
    }
  }
  if (form.has("client_id")) clientId = form.get("client_id");
  if (form.has("client_secret")) clientSecret = form.get("client_secret");

  if (clientId === null) return oauthError(400, "invalid_client", "Missing client_id parameter");
  if (clientId !== state.apiClient.clientId) return oauthError(401, "invalid_client", CLIENT_REFUSED);
  if (clientSecret !== state.apiClient.secret) return oauthError(401, "unauthorized_client", CLIENT_REFUSED);
  return undefined;
}

/**
 * Keycloak's BasicAuthHelper.RFC6749.parseHeader: `Basic base64(urlencode(id):urlencode(secret))`,
 * the scheme in any case; undefined when it is not that.
 */
export function parseBasic(header: string): [string, string] | undefined {
  if (header.length < 6 || header.slice(0, 5).toLowerCase() !== "basic") return undefined;
  const encoded = header.slice(6);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) return undefined;
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon === -1) return undefined;
  try {
    return [formDecode(decoded.slice(0, colon)), formDecode(decoded.slice(colon + 1))];
  } catch {
    return undefined;
  }
}

/** java.net.URLDecoder: `+` is a space, `%XX` a byte of UTF-8. */
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, " "));
}
