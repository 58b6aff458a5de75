import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { fingerprint } from "./fingerprint.js";

const claimsSchema = z.object({
  /** The tool the token was issued for. */
  t: z.string(),
  /** Fingerprint of the call's arguments (without the token). */
  a: z.string(),
  /** Fingerprint of the target's state when the preview was made. */
  s: z.string(),
  /** Expiry, in ms since the epoch. */
  e: z.number(),
});
type Claims = z.infer<typeof claimsSchema>;

export type TokenCheck =
  | { ok: true; targetFingerprint: string }
  | { ok: false; reason: "invalid" | "other-tool" | "other-arguments" | "expired"; message: string };

export interface ConfirmationTokenOptions {
  /** CONTABO_MCP_CONFIRM_KEY; every replica sharing it accepts the others' tokens. Random per process when unset. */
  key?: string;
  ttlMs?: number;
  now?: () => number;
}

export const DEFAULT_CONFIRM_TTL_MS = 5 * 60_000;

/**
 * Stateless confirmation tokens: an HMAC over the tool, its canonical arguments, an expiry and a
 * fingerprint of the target's state. Nothing is stored, so any replica with the key can verify one,
 * and none can be replayed once the target changed: its fingerprint no longer matches.
 */
export class ConfirmationTokens {
  private readonly key: Buffer;
  readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: ConfirmationTokenOptions = {}) {
    this.key = options.key ? createHash("sha256").update(options.key).digest() : randomBytes(32);
    this.ttlMs = options.ttlMs ?? DEFAULT_CONFIRM_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  issue(tool: string, args: unknown, targetFingerprint: string): { token: string; expiresAt: string } {
    const claims: Claims = {
      t: tool,
      a: fingerprint(args),
      s: targetFingerprint,
      e: this.now() + this.ttlMs,
    };
    const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
    return { token: `${payload}.${this.sign(payload)}`, expiresAt: new Date(claims.e).toISOString() };
  }

  /** Checks everything but the target's state, which the caller compares with a fresh fingerprint. */
  check(token: string, tool: string, args: unknown): TokenCheck {
    const claims = this.verifiedClaims(token);
    if (!claims) {
      return {
        ok: false,
        reason: "invalid",
        message: "The confirmationToken is not one this server issued, or it was altered.",
      };
    }
    if (claims.t !== tool) {
      return {
        ok: false,
        reason: "other-tool",
        message: `The confirmationToken was issued for ${claims.t}, not ${tool}.`,
      };
    }
    if (claims.a !== fingerprint(args)) {
      return {
        ok: false,
        reason: "other-arguments",
        message:
          "The confirmationToken was issued for other arguments: a token confirms exactly the call that was previewed.",
      };
    }
    if (this.now() >= claims.e) {
      return {
        ok: false,
        reason: "expired",
        message: `The confirmationToken expired at ${new Date(claims.e).toISOString()}.`,
      };
    }
    return { ok: true, targetFingerprint: claims.s };
  }

  private verifiedClaims(token: string): Claims | undefined {
    const [payload, signature, extra] = token.split(".");
    if (!payload || !signature || extra !== undefined) return undefined;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      const parsed = claimsSchema.safeParse(JSON.parse(Buffer.from(payload, "base64url").toString("utf8")));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  private sign(payload: string): string {
    return createHmac("sha256", this.key).update(payload).digest("base64url");
  }
}
