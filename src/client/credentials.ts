/** The four values of the OAuth2 password grant. */
export interface PasswordGrantCredentials {
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
}

/** The environment variable each credential is read from. */
export const CREDENTIAL_VARIABLES = {
  clientId: "CONTABO_CLIENT_ID",
  clientSecret: "CONTABO_CLIENT_SECRET",
  username: "CONTABO_API_USER",
  password: "CONTABO_API_PASSWORD",
} as const satisfies Record<keyof PasswordGrantCredentials, string>;

export type CredentialField = keyof PasswordGrantCredentials;
export const CREDENTIAL_FIELDS = Object.keys(CREDENTIAL_VARIABLES) as CredentialField[];

/** All four credentials, or the names of the variables that are missing. */
export function completeCredentials(
  given: Partial<PasswordGrantCredentials>,
): { ok: true; credentials: PasswordGrantCredentials } | { ok: false; missing: string[] } {
  const missing = CREDENTIAL_FIELDS.filter((field) => !given[field]).map(
    (field) => CREDENTIAL_VARIABLES[field],
  );
  const { clientId, clientSecret, username, password } = given;
  if (!clientId || !clientSecret || !username || !password) return { ok: false, missing };
  return { ok: true, credentials: { clientId, clientSecret, username, password } };
}
