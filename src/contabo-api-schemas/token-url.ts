/** The token endpoint's path in Contabo's Keycloak realm. */
export const TOKEN_PATH = "/auth/realms/contabo/protocol/openid-connect/token";
/** Default token URL: Contabo's Keycloak realm. */
export const CONTABO_TOKEN_URL = `https://auth.contabo.com${TOKEN_PATH}`;
