import type { SandboxState } from "../state.js";
import type { SandboxTokens } from "../tokens.js";

export interface TokenLifetimes {
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
}

export interface TokenEndpointAnswer {
  status: number;
  body: Record<string, unknown>;
}

const oauthError = (status: number, error: string, description: string): TokenEndpointAnswer => ({
  status,
  body: { error, error_description: description },
});

/** Keycloak's token endpoint: the password and refresh_token grants, answered as Keycloak does. */
export function answerTokenRequest(
  form: URLSearchParams,
  state: SandboxState,
  tokens: SandboxTokens,
  lifetimes: TokenLifetimes,
): TokenEndpointAnswer {
  if (
    form.get("client_id") !== state.apiClient.clientId ||
    form.get("client_secret") !== state.apiClient.secret
  ) {
    return oauthError(401, "invalid_client", "Invalid client or Invalid client credentials");
  }
  let userId: string;
  switch (form.get("grant_type")) {
    case "password": {
      const login = state.apiLogin;
      const user = state.findUserByEmail(form.get("username") ?? "");
      if (!user || form.get("username") !== login.username || form.get("password") !== login.password) {
        return oauthError(401, "invalid_grant", "Invalid user credentials");
      }
      if (!user.enabled) return oauthError(400, "invalid_grant", "Account disabled");
      userId = user.userId;
      break;
    }
    case "refresh_token": {
      const claims = tokens.verify(form.get("refresh_token") ?? "", "Refresh");
      const user = claims ? state.users.get(claims.sub) : undefined;
      if (!claims || !user?.enabled) return oauthError(400, "invalid_grant", "Invalid refresh token");
      userId = user.userId;
      break;
    }
    default:
      return oauthError(400, "unsupported_grant_type", "Unsupported grant_type");
  }
  const subject = { sub: userId, ...state.tenant };
  return {
    status: 200,
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
      scope: "openid profile email",
    },
  };
}
