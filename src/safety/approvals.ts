import { EventEmitter } from "node:events";
import { z } from "zod";
import { fingerprint, sameSecret } from "../shared/fingerprint.js";
import { nodeCrypto } from "../shared/node-crypto.js";
import type { SealedCall } from "./confirmation-signer.js";
import type { Preview } from "./confirmation-types.js";
import type { SafetyStore } from "./safety-store.js";

export const DEFAULT_APPROVAL_TTL_MS = 10 * 60_000;
export const DEFAULT_APPROVAL_WAIT_MS = 45_000;

const STATUSES = ["pending", "approved", "declined", "used"] as const;

/** Why a withdrawn approval (used, never decided) cannot be decided. */
export const WITHDRAWN =
  "This approval was withdrawn: the agent asked again and a newer page replaced it, or it could not be shown. Nothing will be done.";

/** A pending approval as the store keeps it: what the page shows, and what it is bound to. */
const approvalSchema = z.object({
  id: z.string(),
  /** Keyed digest of the link secret, when the page is reached by link (stdio, URL elicitation without sign-in). */
  linkDigest: z.string().optional(),
  /** Keyed digest of the token of the one browser that opened the link (see openLink). */
  browserDigest: z.string().optional(),
  /** Echoed by the page's form: a POST without it changes nothing. */
  csrf: z.string(),
  tool: z.string(),
  /** Keyed digest of the tool, its canonical arguments and the caller: a repeated call finds its approval. */
  callKey: z.string(),
  caller: z.string(),
  /** The caller's subject at the OpenID provider (team mode): four eyes need another one. */
  callerSubject: z.string().optional(),
  action: z.string(),
  target: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())])),
  typeToConfirm: z.object({ label: z.string(), value: z.string() }).optional(),
  kinds: z.array(z.string()),
  fourEyes: z.boolean(),
  /** Keyed digest of the target's state when the preview was made. */
  stateDigest: z.string(),
  createdAt: z.number(),
  expiresAt: z.number(),
  status: z.enum(STATUSES),
  /** What was decided, kept once the decision was used. */
  decision: z.enum(["approved", "declined"]).optional(),
  decidedBy: z.string().optional(),
  decidedVia: z.string().optional(),
  decidedAt: z.number().optional(),
});
export type Approval = z.infer<typeof approvalSchema>;

/** Who decides, and how they reached the page. */
export interface Approver {
  /** "link" (whoever holds the page's one-time link), or the signed-in subject. */
  who: string;
  /** The subject at the OpenID provider, when signed in. */
  subject?: string;
  via: "link" | "sign-in" | "client";
}

export type DecideResult =
  | { ok: true; approval: Approval }
  /** forbidden: this approver may not decide it (four eyes), as opposed to a conflict. */
  | { ok: false; reason: string; forbidden?: boolean };

/**
 * The pending approvals of gated calls, kept in the safety store so that any replica can show and
 * decide them. Each is single-use: decided once (pending → approved or declined), and an approved
 * one is used by exactly one call (approved → used), each step an atomic swap in the store.
 */
export class ApprovalBook {
  private readonly decided = new EventEmitter();
  readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly store: SafetyStore,
    /** Keyed digests (the confirmation key's HMAC): they reveal nothing and only this key makes them. */
    private readonly digest: (label: string, value: string) => string,
    options: { ttlMs?: number; now?: () => number } = {},
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_APPROVAL_TTL_MS;
    this.now = options.now ?? Date.now;
    this.decided.setMaxListeners(0);
  }

  callKey(call: SealedCall): string {
    return this.digest("approval-call", `${call.tool}\n${fingerprint(call.args)}\n${call.caller}`);
  }

  stateDigestOf(stateFingerprint: string): string {
    return this.digest("approval-state", stateFingerprint);
  }

  /** A new pending approval; `withLink` gives it a one-time link secret (returned once, stored as a digest). */
  async open(input: {
    call: SealedCall;
    callerSubject?: string;
    preview: Preview;
    kinds: readonly string[];
    fourEyes: boolean;
    withLink: boolean;
  }): Promise<{ approval: Approval; linkSecret?: string }> {
    const createdAt = this.now();
    const linkSecret = input.withLink ? nodeCrypto().randomBytes(32).toString("base64url") : undefined;
    const approval: Approval = {
      id: nodeCrypto().randomBytes(16).toString("base64url"),
      ...(linkSecret ? { linkDigest: this.digest("approval-link", linkSecret) } : {}),
      csrf: nodeCrypto().randomBytes(24).toString("base64url"),
      tool: input.call.tool,
      callKey: this.callKey(input.call),
      caller: input.call.caller,
      ...(input.callerSubject ? { callerSubject: input.callerSubject } : {}),
      action: input.preview.action,
      target: input.preview.target,
      ...(input.preview.typeToConfirm ? { typeToConfirm: input.preview.typeToConfirm } : {}),
      kinds: [...input.kinds],
      fourEyes: input.fourEyes,
      stateDigest: this.stateDigestOf(input.preview.fingerprint),
      createdAt,
      expiresAt: createdAt + this.ttlMs,
      status: "pending",
    };
    await this.store.putApproval(approval.id, approval.callKey, JSON.stringify(approval), approval.expiresAt);
    return { approval, linkSecret };
  }

  async get(id: string): Promise<Approval | undefined> {
    if (!/^[A-Za-z0-9_-]{22}$/.test(id)) return undefined;
    return parsed(await this.store.getApproval(id));
  }

  /** The live approval of exactly this call (tool, arguments, caller), if one was opened. */
  async forCall(call: SealedCall): Promise<Approval | undefined> {
    const id = await this.store.findApproval(this.callKey(call));
    return id === undefined ? undefined : this.get(id);
  }

  /** The approvals still waiting for a decision, oldest first. */
  async pending(): Promise<Approval[]> {
    const ids = await this.store.liveApprovals();
    const all = await Promise.all(ids.map((id) => this.get(id)));
    return all.filter((approval): approval is Approval => approval?.status === "pending");
  }

  linkOpens(approval: Approval, secret: string | undefined): boolean {
    if (!approval.linkDigest || typeof secret !== "string" || secret.length > 200) return false;
    return sameSecret(approval.linkDigest, this.digest("approval-link", secret));
  }

  /** Whether this approver may decide: four eyes need a subject other than the caller's. */
  mayDecide(approval: Approval, approver: Approver): { ok: true } | { ok: false; reason: string } {
    if (
      approval.fourEyes &&
      (approver.subject === undefined || approver.subject === approval.callerSubject)
    ) {
      return {
        ok: false,
        reason:
          "This action needs four eyes: it must be approved by a person other than the one whose agent asked for it.",
      };
    }
    return { ok: true };
  }

  /** pending → approved or declined, once. Approving what asks for a typed e-mail needs it typed. */
  async decide(
    id: string,
    decision: "approved" | "declined",
    approver: Approver,
    typed?: string,
  ): Promise<DecideResult> {
    const stored = await this.store.getApproval(id);
    const approval = parsed(stored);
    if (!stored || !approval) return { ok: false, reason: "This approval does not exist or has expired." };
    if (approval.status === "used" && approval.decision === undefined)
      return { ok: false, reason: WITHDRAWN };
    if (approval.status !== "pending")
      return { ok: false, reason: `This approval was ${decidedWord(approval)} already.` };
    if (this.now() >= approval.expiresAt) return { ok: false, reason: "This approval has expired." };
    // A no is always safe, from anyone who can reach the page or the client: four eyes are for yes.
    const allowed = decision === "approved" ? this.mayDecide(approval, approver) : ({ ok: true } as const);
    if (!allowed.ok) return { ...allowed, forbidden: true };
    if (decision === "approved" && approval.typeToConfirm) {
      const matches =
        typeof typed === "string" &&
        typed.trim().toLowerCase() === approval.typeToConfirm.value.toLowerCase();
      if (!matches)
        return { ok: false, reason: "What was typed does not match the e-mail address: nothing was done." };
    }
    const next: Approval = {
      ...approval,
      status: decision,
      decision,
      decidedBy: approver.who,
      decidedVia: approver.via,
      decidedAt: this.now(),
    };
    if (!(await this.store.swapApproval(id, stored, JSON.stringify(next)))) {
      return { ok: false, reason: "This approval was decided already." };
    }
    this.decided.emit(id);
    return { ok: true, approval: next };
  }

  /**
   * approved (or declined) → used, once: the one call that acts on (or reports) the decision. Never
   * from pending or used: a withdrawn approval (used, never decided) can be used by nobody.
   */
  async use(approval: Approval): Promise<boolean> {
    const stored = await this.store.getApproval(approval.id);
    const current = parsed(stored);
    if (!stored || !current || (current.status !== "approved" && current.status !== "declined")) return false;
    return this.store.swapApproval(approval.id, stored, JSON.stringify({ ...current, status: "used" }));
  }

  /** pending → used with no decision: the page closes (no browser opened, or a fresh link replaces it). */
  async withdraw(approval: Approval): Promise<boolean> {
    const stored = await this.store.getApproval(approval.id);
    const current = parsed(stored);
    if (!stored || current?.status !== "pending") return false;
    const withdrawn = await this.store.swapApproval(
      approval.id,
      stored,
      JSON.stringify({ ...current, status: "used" }),
    );
    if (withdrawn) this.decided.emit(approval.id);
    return withdrawn;
  }

  /**
   * The one-time link, opened: the first browser to bring the secret gets a token of its own (for
   * its cookie), and the secret opens nothing after that, so a secret copied later (from a process
   * list, a history) is worth nothing. Undefined when the secret is wrong or was used already.
   */
  async openLink(approval: Approval, secret: string | undefined): Promise<string | undefined> {
    if (!this.linkOpens(approval, secret)) return undefined;
    const stored = await this.store.getApproval(approval.id);
    const current = parsed(stored);
    if (!stored || !current || current.browserDigest !== undefined) return undefined;
    const browser = nodeCrypto().randomBytes(32).toString("base64url");
    const next = { ...current, browserDigest: this.digest("approval-browser", browser) };
    return (await this.store.swapApproval(approval.id, stored, JSON.stringify(next))) ? browser : undefined;
  }

  /** Whether a browser's token is the one the link was opened with. */
  browserOpens(approval: Approval, token: string | undefined): boolean {
    if (!approval.browserDigest || typeof token !== "string" || token.length > 200) return false;
    return sameSecret(approval.browserDigest, this.digest("approval-browser", token));
  }

  /**
   * Waits until the approval is decided, expires, or `ms` pass: woken by a decision on this replica,
   * and reading the store every `pollMs` for decisions made on another. Undefined: it expired.
   */
  async waitForDecision(
    id: string,
    ms: number,
    signal: AbortSignal,
    onTick?: (waitedMs: number) => Promise<void>,
    pollMs = 500,
  ): Promise<Approval | undefined> {
    const started = this.now();
    for (;;) {
      const approval = await this.get(id);
      if (approval === undefined || approval.status !== "pending") return approval;
      const waited = this.now() - started;
      if (waited >= ms || signal.aborted) return approval;
      await onTick?.(waited);
      await this.decisionOrTimeout(id, Math.min(pollMs, ms - waited), signal);
    }
  }

  private decisionOrTimeout(id: string, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.decided.off(id, done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.decided.on(id, done);
      signal.addEventListener("abort", done, { once: true });
    });
  }
}

function parsed(stored: string | undefined): Approval | undefined {
  if (stored === undefined) return undefined;
  try {
    const result = approvalSchema.safeParse(JSON.parse(stored));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

function decidedWord(approval: Approval): string {
  return approval.decision ?? approval.status;
}
