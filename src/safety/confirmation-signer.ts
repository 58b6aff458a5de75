import { z } from "zod";
import { fingerprint, sameSecret } from "../shared/fingerprint.js";
import { nodeCrypto } from "../shared/node-crypto.js";

/** A token goes to the model (--confirm token); a request state goes to the client with a form. */
export type SealKind = "token" | "state";

const claimsSchema = z.object({
  /** What the seal is: a token or a request state; one is never accepted as the other. */
  k: z.enum(["token", "state"]),
  /** The tool. */
  t: z.string(),
  /** Fingerprint of the call's arguments. */
  a: z.string(),
  /** Keyed digest of the target's state when the preview was made: it reveals nothing about that state. */
  s: z.string(),
  /** Keyed digest of the caller's identity: a seal obtained by one caller is void for another. */
  c: z.string(),
  /** Expiry, in ms since the epoch. */
  e: z.number(),
  /** Random nonce: each seal confirms one call, once (see SafetyStore.claimNonce). */
  n: z.string(),
  /** The pending approval this request state waits for (URL elicitation), if any. */
  p: z.string().optional(),
});

/** What a seal is bound to besides its nonce and expiry. */
export interface SealedCall {
  tool: string;
  /** The call's arguments, without the confirmation fields. */
  args: unknown;
  /** Who calls: the HTTP bearer's subject, or "stdio". */
  caller: string;
}

export type OpenedSeal =
  | { ok: true; nonce: string; expiresAt: number; stateDigest: string; approvalId?: string }
  | {
      ok: false;
      reason: "invalid" | "other-tool" | "other-arguments" | "other-caller" | "expired";
      message: string;
    };

export interface ConfirmationSignerOptions {
  /** CONTABO_MCP_CONFIRM_KEY; every replica sharing it accepts the others' seals. Random per process when unset. */
  key?: string;
  ttlMs?: number;
  now?: () => number;
}

export const DEFAULT_CONFIRM_TTL_MS = 5 * 60_000;
export const MIN_CONFIRM_KEY_LENGTH = 32;

/**
 * Stateless, sealed confirmations: an HMAC over the tool, its canonical arguments, the caller, an
 * expiry, a nonce and a keyed digest of the target's state. Any replica with the key can open one;
 * none applies once the target changed, for another caller, or (with the nonce store) twice.
 */
export class ConfirmationSigner {
  /** The HMAC key, made on first use (from CONTABO_MCP_CONFIRM_KEY, or random for this process). */
  private keyBytes: Buffer | undefined;
  private readonly givenKey: string | undefined;
  readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: ConfirmationSignerOptions = {}) {
    if (options.key !== undefined && options.key.length < MIN_CONFIRM_KEY_LENGTH) {
      throw new Error(`CONTABO_MCP_CONFIRM_KEY must be at least ${MIN_CONFIRM_KEY_LENGTH} characters long`);
    }
    this.givenKey = options.key || undefined;
    this.ttlMs = options.ttlMs ?? DEFAULT_CONFIRM_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  seal(
    kind: SealKind,
    call: SealedCall,
    stateFingerprint: string,
    approvalId?: string,
    /** When it expires, if not after the usual TTL (a request state lives as long as its approval). */
    expiresAt?: number,
  ): { sealed: string; expiresAt: number } {
    const claims: z.infer<typeof claimsSchema> = {
      k: kind,
      t: call.tool,
      a: fingerprint(call.args),
      s: this.mac(`state:${stateFingerprint}`),
      c: this.mac(`caller:${call.caller}`),
      e: expiresAt ?? this.now() + this.ttlMs,
      n: nodeCrypto().randomBytes(16).toString("base64url"),
      ...(approvalId === undefined ? {} : { p: approvalId }),
    };
    const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
    return { sealed: `${payload}.${this.mac(payload)}`, expiresAt: claims.e };
  }

  /** Checks everything but the target's state (compare it with `sameState`) and the nonce (claim it). */
  open(sealed: string, kind: SealKind, call: SealedCall): OpenedSeal {
    const what = kind === "token" ? "confirmationToken" : "confirmation";
    const claims = this.verifiedClaims(sealed);
    if (!claims || claims.k !== kind) {
      return {
        ok: false,
        reason: "invalid",
        message: `The ${what} is not one this server issued, or it was altered.`,
      };
    }
    if (claims.t !== call.tool) {
      return {
        ok: false,
        reason: "other-tool",
        message: `The ${what} was issued for ${claims.t}, not ${call.tool}.`,
      };
    }
    if (claims.a !== fingerprint(call.args)) {
      return {
        ok: false,
        reason: "other-arguments",
        message: `The ${what} was issued for other arguments: it confirms exactly the call that was previewed.`,
      };
    }
    if (!sameSecret(claims.c, this.mac(`caller:${call.caller}`))) {
      return { ok: false, reason: "other-caller", message: `The ${what} was issued to another caller.` };
    }
    if (this.now() >= claims.e) {
      return {
        ok: false,
        reason: "expired",
        message: `The ${what} expired at ${new Date(claims.e).toISOString()}.`,
      };
    }
    return {
      ok: true,
      nonce: claims.n,
      expiresAt: claims.e,
      stateDigest: claims.s,
      ...(claims.p === undefined ? {} : { approvalId: claims.p }),
    };
  }

  sameState(opened: Extract<OpenedSeal, { ok: true }>, stateFingerprint: string): boolean {
    return sameSecret(opened.stateDigest, this.mac(`state:${stateFingerprint}`));
  }

  /** A keyed digest of `value` under `label`: it reveals nothing, and only this key makes it. */
  keyedDigest(label: string, value: string): string {
    return this.mac(`${label}:${value}`);
  }

  private verifiedClaims(sealed: string): z.infer<typeof claimsSchema> | undefined {
    const [payload, signature, extra] = sealed.split(".");
    if (!payload || !signature || extra !== undefined || !sameSecret(signature, this.mac(payload)))
      return undefined;
    try {
      const parsed = claimsSchema.safeParse(JSON.parse(Buffer.from(payload, "base64url").toString("utf8")));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  private mac(input: string): string {
    return nodeCrypto().createHmac("sha256", this.key()).update(input).digest("base64url");
  }

  private key(): Buffer {
    const crypto = nodeCrypto();
    this.keyBytes ??= this.givenKey
      ? crypto.createHash("sha256").update(this.givenKey).digest()
      : crypto.randomBytes(32);
    return this.keyBytes;
  }
}
