import { CREDENTIAL_VARIABLES } from "./credentials.js";
import { ContaboConfigError } from "./errors.js";

/** Where the client gets its bearer token. */
export interface TokenProvider {
  /** How this server authenticates, for status reports and error hints (never the secret itself). */
  readonly mode: "password-grant" | "static-token" | "missing-credentials";
  /** Resolves a valid access token, from cache when possible. Concurrent callers share one request. */
  getToken(signal?: AbortSignal): Promise<string>;
  /** Drops `token` after the API refused it, so that the next getToken fetches a new one. Returns whether a new token can be had. */
  invalidate(token: string): boolean;
  /**
   * The API client's secret was rotated by this server: use the new one from now on (at once, before
   * the promise settles). Resolves once the other replicas were told, when there are any; never rejects.
   */
  useClientSecret(secret: string): Promise<void>;
}

/** CONTABO_ACCESS_TOKEN: a token obtained elsewhere, used as is and never renewed. */
export class StaticTokenProvider implements TokenProvider {
  readonly mode = "static-token";
  constructor(private readonly token: string) {}
  async getToken(): Promise<string> {
    return this.token;
  }
  invalidate(): boolean {
    return false;
  }
  async useClientSecret(): Promise<void> {}
}

/** No credentials configured: the server starts and lists its tools, and every call says what to set. */
export class MissingCredentialsProvider implements TokenProvider {
  readonly mode = "missing-credentials";
  constructor(private readonly missing: readonly string[]) {}
  async getToken(): Promise<never> {
    throw new ContaboConfigError(
      `No Contabo credentials are configured (missing: ${this.missing.join(", ")}).`,
      `Set ${Object.values(CREDENTIAL_VARIABLES).join(", ")} (from the Contabo Customer Control Panel, API section) in the server's environment, or CONTABO_ACCESS_TOKEN; or start the server with --sandbox to try it against the built-in simulator.`,
    );
  }
  invalidate(): boolean {
    return false;
  }
  async useClientSecret(): Promise<void> {}
}
