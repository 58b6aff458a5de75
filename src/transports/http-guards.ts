import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { isLoopbackHost } from "../client/base-url.js";

export interface HttpGuardOptions {
  /** The address the server listens on. */
  host: string;
  /** MCP_HTTP_TOKEN: clients must send `Authorization: Bearer <token>`. */
  token?: string;
  /** Host header names (without port) accepted; loopback names by default when listening on loopback. */
  allowedHosts?: readonly string[];
  /** Origins (scheme://host[:port]) accepted from browsers; loopback origins by default on loopback. */
  allowedOrigins?: readonly string[];
}

export type GuardVerdict = { ok: true } | { ok: false; status: 401 | 403; message: string };

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];

/**
 * The checks every /mcp request passes before it reaches MCP: DNS-rebinding protection (Host and
 * Origin allowlists) and the bearer token, compared in constant time.
 */
export class HttpGuards {
  private readonly hosts: Set<string> | undefined;
  private readonly origins: Set<string>;
  /** On loopback, browser pages served from loopback may call too. */
  private readonly loopbackOrigins: boolean;
  private readonly token: Buffer | undefined;

  constructor(options: HttpGuardOptions) {
    const loopback = isLoopbackHost(options.host) || options.host === "localhost";
    if (!loopback && !options.token) {
      throw new Error(
        `refusing to listen on ${options.host} without MCP_HTTP_TOKEN: anyone who can reach it could manage your Contabo users`,
      );
    }
    const hosts = options.allowedHosts ?? (loopback ? LOOPBACK_NAMES : undefined);
    this.hosts = hosts === undefined ? undefined : new Set(hosts.map((host) => host.toLowerCase()));
    this.origins = new Set((options.allowedOrigins ?? []).map((origin) => origin.toLowerCase()));
    this.loopbackOrigins = loopback;
    this.token = options.token ? Buffer.from(options.token) : undefined;
  }

  check(req: IncomingMessage): GuardVerdict {
    const host = hostName(req.headers.host);
    if (this.hosts && (host === undefined || !this.hosts.has(host))) {
      return { ok: false, status: 403, message: `Host ${req.headers.host ?? "(none)"} is not allowed` };
    }
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
    const normalised = origin.toLowerCase();
    if (this.origins.has(normalised)) return true;
    if (!this.loopbackOrigins) return false;
    try {
      const url = new URL(normalised);
      return (url.protocol === "http:" || url.protocol === "https:") && LOOPBACK_NAMES.includes(url.hostname);
    } catch {
      return false;
    }
  }

  private tokenMatches(authorization: string | undefined): boolean {
    const given = /^Bearer (.+)$/.exec(authorization ?? "")?.[1];
    if (given === undefined || this.token === undefined) return false;
    const candidate = Buffer.from(given);
    // Equal lengths first (timingSafeEqual needs them); the length of a random token leaks nothing useful.
    return candidate.length === this.token.length && timingSafeEqual(candidate, this.token);
  }
}

/** The host name of a Host header, without its port, lower-cased (`[::1]` kept in brackets). */
function hostName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const name = header.startsWith("[") ? header.slice(0, header.indexOf("]") + 1) : header.split(":")[0];
  return name?.toLowerCase();
}
