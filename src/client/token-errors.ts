import { tokenErrorSchema } from "../contabo-api-schemas/token.js";
import { ContaboAuthError } from "./errors.js";

/** Turns `{error, error_description}` into a message a user can act on. */
export function tokenEndpointError(status: number, body: unknown, grantType: string): ContaboAuthError {
  const parsed = tokenErrorSchema.safeParse(body);
  const error = parsed.success ? parsed.data.error : undefined;
  const description =
    parsed.success && parsed.data.error_description ? ` (${parsed.data.error_description})` : "";
  switch (error) {
    case "invalid_grant":
      return new ContaboAuthError(
        grantType === "refresh_token"
          ? `The refresh token was refused${description}.`
          : `Contabo refused the API user or password: invalid_grant${description}.`,
        // Keycloak names a disabled account (400 "Account disabled") before it checks the password.
        parsed.success && parsed.data.error_description === "Account disabled"
          ? "The Contabo user of CONTABO_API_USER is disabled: enable it again (Customer Control Panel, user management) or use another API user."
          : "Check CONTABO_API_USER (the e-mail of the Contabo login) and CONTABO_API_PASSWORD (the API password set in the Customer Control Panel, API section).",
        error,
      );
    // Current Keycloak answers a wrong or missing client secret with 401 `unauthorized_client`, and an
    // unknown or disabled client with 401 `invalid_client` (older versions: 400 for both, and
    // `invalid_client` for a missing client_id). Either way the client's id or secret is at fault.
    case "invalid_client":
    case "unauthorized_client":
      return new ContaboAuthError(
        `Contabo refused the API client: ${error}${description}.`,
        "Check CONTABO_CLIENT_ID and CONTABO_CLIENT_SECRET (Customer Control Panel, API section). If the client secret was rotated, use the new one.",
        error,
      );
    default:
      return new ContaboAuthError(
        `The token endpoint answered ${status}${error ? `: ${error}${description}` : ""}.`,
        status >= 500
          ? "Contabo's login service had a problem: try again later."
          : "Check CONTABO_AUTH_URL and the four CONTABO_* credential variables.",
        error,
      );
  }
}

/** The OAuth errors with which the token endpoint refuses the credentials themselves, not a passing failure. */
const CREDENTIAL_REFUSALS: ReadonlySet<string> = new Set([
  "invalid_grant",
  "invalid_client",
  "unauthorized_client",
]);

/** Whether the token endpoint refused the client or the user: asking again with the same credentials fails again. */
export function refusesCredentials(error: unknown): error is ContaboAuthError {
  return (
    error instanceof ContaboAuthError &&
    error.oauthError !== undefined &&
    CREDENTIAL_REFUSALS.has(error.oauthError)
  );
}

/** Whether the token endpoint refused the API client (its id or secret), not the user. */
export function refusesClient(error: unknown): error is ContaboAuthError {
  return (
    error instanceof ContaboAuthError &&
    (error.oauthError === "invalid_client" || error.oauthError === "unauthorized_client")
  );
}
