import { sameSecret } from "../shared/fingerprint.js";

/** Keyed digests (the confirmation key's HMAC): every replica with the key makes the same ones. */
export type KeyedDigest = (label: string, value: string) => string;

/**
 * Cookie values that carry their own data, signed and dated: `payload.expiry.mac`. Any replica
 * with CONTABO_MCP_CONFIRM_KEY opens them, nobody else can make or alter one.
 */
export class CookieSigner {
  constructor(
    private readonly digest: KeyedDigest,
    private readonly now: () => number = Date.now,
  ) {}

  sign(purpose: string, data: unknown, ttlMs: number): string {
    const payload = Buffer.from(JSON.stringify(data)).toString("base64url");
    const expiry = String(this.now() + ttlMs);
    return `${payload}.${expiry}.${this.digest(`cookie:${purpose}`, `${payload}.${expiry}`)}`;
  }

  /** The data of a cookie this server signed for `purpose`, while it is valid; else undefined. */
  open(purpose: string, value: string | undefined): unknown {
    if (value === undefined || value.length > 8_000) return undefined;
    const [payload, expiry, mac, extra] = value.split(".");
    if (!payload || !expiry || !mac || extra !== undefined) return undefined;
    if (!sameSecret(mac, this.digest(`cookie:${purpose}`, `${payload}.${expiry}`))) return undefined;
    if (!(Number(expiry) > this.now())) return undefined;
    try {
      return JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    } catch {
      return undefined;
    }
  }
}

/** The cookies of a request, by name (the first of each name). */
export function cookiesOf(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at <= 0) continue;
    const name = part.slice(0, at).trim();
    if (!cookies.has(name)) cookies.set(name, part.slice(at + 1).trim());
  }
  return cookies;
}

/** A Set-Cookie value: HttpOnly, SameSite=Lax (the sign-in comes back from the provider) or Strict. */
export function setCookie(
  name: string,
  value: string,
  options: { path: string; maxAgeSeconds: number; secure: boolean; sameSite: "Strict" | "Lax" },
): string {
  return [
    `${name}=${value}`,
    `Path=${options.path}`,
    `Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`,
    "HttpOnly",
    `SameSite=${options.sameSite}`,
    ...(options.secure ? ["Secure"] : []),
  ].join("; ");
}
