import { isIP } from "node:net";
import { ContaboConfigError } from "./errors.js";

/** The loopback names, as they appear in URLs and Host headers. */
export const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"] as const;

export function isLoopbackHost(hostname: string): boolean {
  const name = hostname.toLowerCase();
  if (name === "::1" || (LOOPBACK_NAMES as readonly string[]).includes(name)) return true;
  return isIP(name) === 4 && name.startsWith("127.");
}

/**
 * Parses a configured base URL (API or token endpoint). https is required, except for loopback
 * hosts (the sandbox, local proxies), where plain http is accepted.
 */
export function parseServiceUrl(value: string, variable: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ContaboConfigError(
      `${variable} is not a valid URL: ${JSON.stringify(value)}`,
      `Set ${variable} to an https:// URL.`,
    );
  }
  if (url.protocol === "https:") return url;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return url;
  throw new ContaboConfigError(
    `${variable} must use https (plain http is accepted only for loopback hosts): ${url.origin}`,
    `Set ${variable} to an https:// URL.`,
  );
}

/** Joins a base URL (which may carry a path prefix) and an API path such as `/v1/users`. */
export function joinUrl(base: URL, path: string): URL {
  return new URL(joinedUrl(base, path));
}

/** joinUrl's URL as a string. */
export function joinedUrl(base: URL, path: string): string {
  const prefix = base.pathname.endsWith("/") ? base.pathname.slice(0, -1) : base.pathname;
  return `${base.origin}${prefix}${path}`;
}
