import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { fingerprint } from "./fingerprint.js";

const claimsSchema = z.object({
  /** The tool the token was issued for. */
  t: z.string(),
  /** Fingerprint of the call's arguments (without the token). */
  a: z.string(),
  /** Keyed digest of the target's state when the preview was made: it reveals nothing about that state. */
  s: z.string(),
  /** Expiry, in ms since the epoch. */
  e: z.number(),
});

export type TokenCheck =
  | { ok: true; stateDigest: string; expiresAt: number }
  | { ok: false; reason: "invalid" | "other-tool" | "other-arguments" | "expired" | "used"; message: string };

export interface ConfirmationTokenOptions {
  /** CONTABO_MCP_CONFIRM_KEY; every replica sharing it accepts the others' tokens. Random per process when unset. */
  key?: string;
  ttlMs?: number;
  now?: () => number;
}

export const DEFAULT_CONFIRM_TTL_MS = 5 * 60_000;
export const MIN_CONFIRM_KEY_LENGTH = 32;

/**
 * Stateless confirmation tokens: an HMAC over the tool, its canonical arguments, an expiry and a
 * keyed digest of the target's state. Any replica with the key can verify one, and none applies
 * once the target changed. A process also remembers the tokens it accepted until they expire, so
 * that a token that changes nothing (revealing a secret) is single-use there too.
 */
export class ConfirmationTokens {
  private readonly key: Buffer;
  readonly ttlMs: number;
  private readonly now: () => number;
  private readonly spent = new Map<string, number>();

  constructor(options: ConfirmationTokenOptions = {}) {
    if (options.key !== undefined && options.key.length < MIN_CONFIRM_KEY_LENGTH) {
      throw new Error(`CONTABO_MCP_CONFIRM_KEY must be at least ${MIN_CONFIRM_KEY_LENGTH} characters long`);
    }
    this.key = options.key ? createHash("sha256").update(options.key).digest() : randomBytes(32);
    this.ttlMs = options.ttlMs ?? DEFAULT_CONFIRM_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  issue(tool: string, args: unknown, stateFingerprint: string): { token: string; expiresAt: string } {
    const claims = {
      t: tool,
      a: fingerprint(args),
      s: this.mac(`state:${stateFingerprint}`),
      e: this.now() + this.ttlMs,
    };
    const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
    return { token: `${payload}.${this.mac(payload)}`, expiresAt: new Date(claims.e).toISOString() };
  }

  /** Checks everything but the target's state, which the caller compares with `sameState`. */
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
    if (this.spent.has(token)) {
      return {
        ok: false,
        reason: "used",
        message: "The confirmationToken was used already: each confirms one call.",
      };
    }
    return { ok: true, stateDigest: claims.s, expiresAt: claims.e };
  }

  sameState(check: Extract<TokenCheck, { ok: true }>, stateFingerprint: string): boolean {
    return safeEqual(check.stateDigest, this.mac(`state:${stateFingerprint}`));
  }

  /** Marks an accepted token as used (until it would have expired anyway). */
  spend(token: string, check: Extract<TokenCheck, { ok: true }>): void {
    const now = this.now();
    for (const [spentToken, expiry] of this.spent) if (expiry <= now) this.spent.delete(spentToken);
    this.spent.set(token, check.expiresAt);
  }

  private verifiedClaims(token: string): z.infer<typeof claimsSchema> | undefined {
    const [payload, signature, extra] = token.split(".");
    if (!payload || !signature || extra !== undefined || !safeEqual(signature, this.mac(payload)))
      return undefined;
    try {
      const parsed = claimsSchema.safeParse(JSON.parse(Buffer.from(payload, "base64url").toString("utf8")));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  private mac(input: string): string {
    return createHmac("sha256", this.key).update(input).digest("base64url");
  }
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
