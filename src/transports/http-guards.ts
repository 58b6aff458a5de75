import type { IncomingMessage } from "node:http";
import { isLoopbackHost, LOOPBACK_NAMES } from "../client/base-url.js";
import { sameSecret } from "../shared/fingerprint.js";
import type { OAuthSettings } from "./oauth/oauth-settings.js";

export interface HttpGuardOptions {
  /** The address the server listens on. */
  host: string;
  /** MCP_HTTP_TOKEN: clients must send `Authorization: Bearer <token>`. */
  token?: string;
  /** Host header names (without port) accepted; the loopback names and the bind address by default on loopback. */
  allowedHosts?: readonly string[];
  /** Origins (scheme://host[:port]) accepted from browsers; loopback origins by default on loopback. */
  allowedOrigins?: readonly string[];
  /**
   * --oauth-issuer: callers bring OAuth access tokens, checked by the OAuth gate (not here); it
   * counts as authentication, excludes `token`, and on loopback the public URL's host is accepted.
   */
  oauth?: OAuthSettings;
}

export type GuardVerdict = { ok: true } | { ok: false; status: 401 | 403; message: string };

export const MIN_HTTP_TOKEN_LENGTH = 32;

/** A setting that makes the HTTP server unsafe to start. */
export class HttpConfigError extends Error {}

/**
 * The checks every /mcp request passes before it reaches MCP: DNS-rebinding protection (Host and
 * Origin allowlists) and the bearer token, compared in constant time. Whenever the server can be
 * reached under a name other than loopback, a token is required, or OAuth.
 */
export class HttpGuards {
  private readonly hosts: Set<string> | undefined;
  private readonly origins: Set<string>;
  /** On loopback, browser pages served from loopback may call too. */
  private readonly loopbackOrigins: boolean;
  private readonly token: string | undefined;

  constructor(options: HttpGuardOptions) {
    const loopback = isLoopbackHost(options.host);
    const exposed =
      !loopback ||
      (options.allowedHosts ?? []).some((host) => !isLoopbackHost(host)) ||
      (options.allowedOrigins ?? []).some((origin) => !isLoopbackHost(hostOf(origin) ?? ""));
    if (options.token !== undefined && options.oauth !== undefined) {
      throw new HttpConfigError("MCP_HTTP_TOKEN and --oauth-issuer exclude each other: choose one");
    }
    if (exposed && !options.token && !options.oauth) {
      throw new HttpConfigError(
        `refusing to serve ${loopback ? "non-loopback host names or origins" : options.host} without MCP_HTTP_TOKEN or --oauth-issuer: anyone who can reach it could manage your Contabo users`,
      );
    }
    if (options.token !== undefined && options.token.length < MIN_HTTP_TOKEN_LENGTH) {
      throw new HttpConfigError(`MCP_HTTP_TOKEN must be at least ${MIN_HTTP_TOKEN_LENGTH} characters long`);
    }
    const publicHost = options.oauth ? [new URL(options.oauth.resource).hostname] : [];
    const hosts =
      options.allowedHosts ??
      (loopback ? [...LOOPBACK_NAMES, bracketed(options.host), ...publicHost] : undefined);
    this.hosts = hosts === undefined ? undefined : new Set(hosts.map((host) => host.toLowerCase()));
    this.origins = new Set(
      (options.allowedOrigins ?? []).map((origin) => normalisedOrigin(origin) ?? origin),
    );
    this.loopbackOrigins = loopback;
    this.token = options.token || undefined;
  }

  /** The Host allowlist alone: for pages a browser opens (approvals), whose forms check their own origin. */
  checkHost(req: IncomingMessage): GuardVerdict {
    const host = hostName(req.headers.host);
    if (this.hosts && (host === undefined || !this.hosts.has(host))) {
      return { ok: false, status: 403, message: `Host ${req.headers.host ?? "(none)"} is not allowed` };
    }
    return { ok: true };
  }

  check(req: IncomingMessage): GuardVerdict {
    const hostVerdict = this.checkHost(req);
    if (!hostVerdict.ok) return hostVerdict;
    const origin = req.headers.origin;
    if (origin !== undefined && !this.originAllowed(origin)) {
      return { ok: false, status: 403, message: `Origin ${origin} is not allowed` };
    }
    if (this.token && !this.tokenMatches(req.headers.authorization)) {
      return { ok: false, status: 401, message: "Missing or wrong bearer token (MCP_HTTP_TOKEN)" };
    }
    return { ok: true };
  }

  private originAllowed(origin: string): boolean {
    const normalised = normalisedOrigin(origin);
    if (normalised === undefined) return false;
    if (this.origins.has(normalised)) return true;
    return this.loopbackOrigins && isLoopbackHost(hostOf(normalised) ?? "");
  }

  private tokenMatches(authorization: string | undefined): boolean {
    const given = /^bearer\s+(.+)$/i.exec(authorization ?? "")?.[1]?.trim();
    if (given === undefined || this.token === undefined) return false;
    return sameSecret(given, this.token);
  }
}

/** The host name of a Host header, without its port, lower-cased (`[::1]` kept in brackets). */
function hostName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const name = header.startsWith("[") ? header.slice(0, header.indexOf("]") + 1) : header.split(":")[0];
  return name?.toLowerCase();
}

function bracketed(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host.toLowerCase();
}

/** `scheme://host[:port]` of an origin, lower-cased, or undefined when it is not an http(s) origin. */
function normalisedOrigin(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.protocol === "http:" || url.protocol === "https:" ? url.origin.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).hostname;
  } catch {
    return undefined;
  }
}
