import { isLoopbackHost } from "../../client/base-url.js";

/** The OAuth resource-server settings of `--http`, checked (see `readOAuthSettings`). */
export interface OAuthSettings {
  /** --oauth-issuer, exactly as given: the `iss` of accepted tokens and of the issuer's metadata. */
  issuer: string;
  /** --public-url, normalised: the canonical URL of our /mcp, the `resource` we publish. */
  resource: string;
  /** --oauth-audience, or the resource: the `aud` accepted tokens must name. */
  audience: string;
}

export interface OAuthFlags {
  issuer?: string;
  publicUrl?: string;
  audience?: string;
}

/** A bad combination or value of the OAuth flags. */
export class OAuthSettingsError extends Error {}

/**
 * Reads the OAuth flags: none of them means no OAuth; --oauth-issuer needs --public-url and
 * excludes MCP_HTTP_TOKEN. Both URLs must be https, or http on a loopback host (tests, local
 * setups), without a query or fragment.
 */
export function readOAuthSettings(
  flags: OAuthFlags,
  staticToken: string | undefined,
): OAuthSettings | undefined {
  const { issuer, publicUrl, audience } = flags;
  if (issuer === undefined) {
    if (publicUrl !== undefined || audience !== undefined) {
      throw new OAuthSettingsError("--public-url and --oauth-audience go with --oauth-issuer");
    }
    return undefined;
  }
  if (staticToken !== undefined) {
    throw new OAuthSettingsError(
      "MCP_HTTP_TOKEN and --oauth-issuer exclude each other: choose one static token for every client, or OAuth access tokens per caller",
    );
  }
  if (publicUrl === undefined) {
    throw new OAuthSettingsError(
      "--oauth-issuer needs --public-url: the URL clients use to reach /mcp (for example https://mcp.example.com/mcp), which tokens must name as their audience",
    );
  }
  checkedUrl("--oauth-issuer", issuer);
  const resource = checkedUrl("--public-url", publicUrl).href;
  if (audience !== undefined && audience.trim() === "") {
    throw new OAuthSettingsError("--oauth-audience must not be empty");
  }
  return { issuer, resource, audience: audience ?? resource };
}

function checkedUrl(flag: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new OAuthSettingsError(`${flag} is not a valid URL: ${JSON.stringify(value)}`);
  }
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new OAuthSettingsError(
      `${flag} must use https (plain http only on a loopback host): ${JSON.stringify(value)}`,
    );
  }
  if (url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") {
    throw new OAuthSettingsError(
      `${flag} must not carry a query, a fragment or credentials: ${JSON.stringify(value)}`,
    );
  }
  return url;
}
