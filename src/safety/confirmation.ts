import { type InputRequiredResult, inputRequired, inputResponse } from "@modelcontextprotocol/server";
import { z } from "zod";
import {
  ACTION_KINDS,
  type ActionKind,
  type Channel,
  type ChannelFacts,
  channelFor,
  channelsThatWouldWork,
} from "./approval-policy.js";
import type { Approval, ApprovalBook } from "./approvals.js";
import { confirmationForm } from "./confirmation-form.js";
import type { ConfirmationSigner, OpenedSeal, SealedCall } from "./confirmation-signer.js";
import type { Preview } from "./confirmation-types.js";
import type { SafetyStore } from "./safety-store.js";

export const CONFIRM_MODES = ["auto", "elicit", "token", "off"] as const;
export type ConfirmMode = (typeof CONFIRM_MODES)[number];

/** Where a call comes from, as far as confirmation is concerned. */
export interface CallOrigin {
  /** Who calls: "stdio", or "http:" and the bearer's subject. Seals are bound to it. */
  caller: string;
  /** The bearer's subject at the OpenID provider (team mode): four eyes compare approvers with it. */
  subject?: string;
  /**
   * What the client can put before a person on this call: form and URL elicitation as it declared
   * them, or why it cannot be asked at all (a 2025-era client over stateless HTTP).
   */
  client: { form: boolean; url: boolean; unreachable?: string };
  /** What the client echoed from our last answer (2026-07-28 rounds, or the SDK's 2025-era shim). */
  requestState?: unknown;
  /** The client's answers to the forms of our last answer. */
  inputResponses?: Record<string, unknown>;
  /** Progress notifications to the client while a call waits for a person's decision. */
  progress?: (done: number, total?: number, message?: string) => Promise<void>;
  signal?: AbortSignal;
}

export type Decision =
  | "not-required"
  | "preview-failed"
  | "unconfirmed"
  | "asked"
  | "confirmed"
  | "declined"
  | "cancelled"
  | "expired"
  | "refused";

/** Either the call may go ahead, or it stops here with a form, a result (a preview, a decline) or an error. */
export type GateResult =
  | { proceed: true; decision: "not-required" | "unconfirmed" | "confirmed" }
  | { proceed: false; decision: "asked"; ask: InputRequiredResult }
  | { proceed: false; decision: "asked" | "declined" | "cancelled"; structured: ConfirmationOutput }
  | { proceed: false; decision: "expired" | "refused"; error: string };

/** What a tool that may need confirmation answers instead of its result when the person says no. */
const declinedOutputShape = {
  message: z.string().optional(),
};
/** ...and, with --confirm token, the question itself. */
const tokenOutputShape = {
  confirmationRequired: z.literal(true).optional(),
  confirmationToken: z.string().optional(),
  preview: z.object({ action: z.string(), target: z.record(z.string(), z.unknown()) }).optional(),
  ...declinedOutputShape,
};
type ConfirmationOutput = {
  [K in keyof typeof tokenOutputShape]?: z.output<(typeof tokenOutputShape)[K]>;
};

/** A confirmable tool publishes its result fields as optional, beside the confirmation fields of its mode. */
export function confirmableOutput(output: z.ZodObject, { withTokens }: { withTokens: boolean }): z.ZodObject {
  return z.object({ ...output.partial().shape, ...(withTokens ? tokenOutputShape : declinedOutputShape) });
}

/** The confirmation field a confirmable tool accepts (used with --confirm token). */
export const confirmationInputShape = {
  confirmationToken: z
    .string()
    .max(1000)
    .optional()
    .describe("From a confirmationRequired answer, once the user agreed; same arguments."),
};

/** The key of our form among the input requests of an input_required answer. */
const FORM_KEY = "confirm";

export function noHumanChannel(why: string, wouldWork?: string): string {
  return `This call needs a person's confirmation, and there is no way to ask one here: ${why}. Nothing was sent to Contabo. ${
    wouldWork === undefined
      ? "Use an MCP client that supports elicitation (form mode), or have the operator start the server with --confirm token, knowing that the model itself can then complete these confirmations."
      : `${wouldWork[0]?.toUpperCase()}${wouldWork.slice(1)}.`
  }`;
}

/** Where approval pages live and how a person is brought to them (src/approvals/ makes one). */
export interface ApprovalDesk {
  /** Approvers sign in with the OpenID provider (team mode): links hold no secret, four eyes can be enforced. */
  readonly team: boolean;
  /** This server can open a browser on the person's machine (stdio). */
  readonly canOpenBrowser: boolean;
  /** The page's address, with the one-time link secret when there is one. */
  link(approval: Approval, linkSecret?: string): Promise<string>;
  /** Opens the page in the person's browser; false when no browser could be started. */
  openInBrowser(url: string): Promise<boolean>;
  /** Tells approvers that an approval waits (the webhook); never throws. */
  announce(approval: Approval): Promise<void>;
}

export interface ApprovalSettings {
  book: ApprovalBook;
  desk: ApprovalDesk;
  /** --four-eyes: the kinds a second person must approve (team mode). */
  fourEyes: readonly ActionKind[];
  /** --approval-wait: how long a call waits for a decision before it answers "call again". */
  waitMs: number;
}

/** What the gate needs to know about a call besides its seal. */
export interface GatedCall extends SealedCall {
  /** The kinds of action it is (approval-policy.ts). */
  kinds: readonly ActionKind[];
}

/**
 * Decides whether a call may act now. Destructive calls, calls that grant power and calls that
 * reveal a secret need a human's yes:
 * - auto / elicit: the person is asked through the channel approval-policy.ts picks: URL
 *   elicitation leading to our approval page, a form (2026-07-28 `input_required`, served to
 *   2025-era clients by the SDK's shim as `elicitation/create`), or, in auto mode, an approval page
 *   the server opens in the person's browser (stdio) or shows signed-in approvers (team mode). The
 *   call is sealed in the request state, or bound to its approval. With no way to ask a person, the
 *   call is refused: it fails closed.
 * - token: a preview and a sealed token the model sends back; the model itself can do that, so it
 *   is an operator's explicit choice.
 * - off: no confirmation.
 * Every seal and approval is single-use: claimed in the store before the preview is made again or
 * anything runs.
 */
export class ConfirmationGate {
  constructor(
    readonly mode: ConfirmMode,
    private readonly signer: ConfirmationSigner,
    private readonly store: SafetyStore,
    readonly approvals?: ApprovalSettings,
  ) {}

  /** The facts the policy reads for this origin. */
  channelFacts(origin: CallOrigin): ChannelFacts {
    const reachable = origin.client.unreachable === undefined;
    return {
      form: reachable && origin.client.form,
      url: reachable && origin.client.url,
      pages: this.approvals !== undefined,
      browser: this.approvals?.desk.canOpenBrowser ?? false,
      team: this.approvals?.desk.team ?? false,
    };
  }

  /** The channel each kind of action would use for this origin now ("refused" when none would work). */
  channels(origin: CallOrigin): Record<ActionKind, Channel | "refused"> {
    const facts = this.channelFacts(origin);
    return Object.fromEntries(
      ACTION_KINDS.map((kind) => [
        kind,
        channelFor(this.mode, facts, this.needsFourEyes([kind])) ?? "refused",
      ]),
    ) as Record<ActionKind, Channel | "refused">;
  }

  /** Whether a call of these kinds needs a second person here. */
  needsFourEyes(kinds: readonly ActionKind[]): boolean {
    const settings = this.approvals;
    if (!settings?.desk.team) return false;
    return kinds.some((kind) => settings.fourEyes.includes(kind));
  }

  async check(
    call: GatedCall,
    token: string | undefined,
    preview: () => Promise<Preview>,
    origin: CallOrigin,
  ): Promise<GateResult> {
    if (this.mode === "off") return { proceed: true, decision: "unconfirmed" };
    if (this.mode === "token") return this.token(call, token, preview);
    if (origin.requestState !== undefined) return this.answered(call, preview, origin);
    const known = this.approvals && (await this.approvals.book.forCall(call));
    // A repeated call: a decision is acted on; a page still open by link (whose secret only the
    // person has) is replaced by a fresh one, in case it was closed; a team page goes on waiting.
    if (known?.status === "pending" && known.linkDigest) {
      // Withdrawn unless someone decided meanwhile: then that decision is acted on.
      if (!(await this.approvals?.book.withdraw(known))) {
        const now = await this.approvals?.book.get(known.id);
        if (now && (now.status === "approved" || now.status === "declined")) {
          return this.pursue(now, call, preview, origin);
        }
      }
    } else if (known && known.status !== "used") return this.pursue(known, call, preview, origin);
    const facts = this.channelFacts(origin);
    const fourEyes = this.needsFourEyes(call.kinds);
    const channel = channelFor(this.mode, facts, fourEyes);
    if (channel === "form-elicitation") return this.askWithForm(call, preview);
    if (channel === undefined || channel === "token" || channel === "none" || !this.approvals) {
      const why =
        origin.client.unreachable ??
        (fourEyes
          ? "this action needs a second person's approval, and this client declared no URL elicitation"
          : "this client did not declare elicitation, and this server cannot open a browser for the person here");
      return {
        proceed: false,
        decision: "refused",
        error: noHumanChannel(why, channelsThatWouldWork(this.mode, facts, fourEyes)),
      };
    }
    const shown = await preview();
    const { book, desk } = this.approvals;
    const { approval, linkSecret } = await book.open({
      call,
      callerSubject: origin.subject,
      preview: shown,
      kinds: call.kinds,
      fourEyes,
      withLink: !desk.team,
    });
    const url = await desk.link(approval, linkSecret);
    if (channel === "url-elicitation") {
      // Team mode: approvers hear of it too (under four eyes, the person at the client cannot approve).
      await desk.announce(approval);
      // The request state lives as long as the approval: a late decision still reaches this call.
      const { sealed } = this.signer.seal("state", call, shown.fingerprint, approval.id, approval.expiresAt);
      const ask = inputRequired({
        inputRequests: {
          [FORM_KEY]: inputRequired.elicitUrl({
            message: `${confirmationForm(shown).message}\n\nOpen the approval page to approve or decline (valid until ${new Date(approval.expiresAt).toISOString()}).`,
            url,
          }),
        },
        requestState: sealed,
      });
      return { proceed: false, decision: "asked", ask };
    }
    if (channel === "browser" && !(await desk.openInBrowser(url))) {
      await book.withdraw(approval);
      return {
        proceed: false,
        decision: "refused",
        error: noHumanChannel(
          "no browser could be opened on this machine (set BROWSER, or install xdg-open)",
          channelsThatWouldWork(this.mode, { ...facts, browser: false }, fourEyes),
        ),
      };
    }
    await desk.announce(approval);
    return this.pursue(approval, call, preview, origin);
  }

  /**
   * Waits for the person's decision on an approval (up to --approval-wait, with progress), then acts
   * on it: approved runs the call once, declined reports it once, pending tells the model to call again.
   */
  private async pursue(
    approval: Approval,
    call: GatedCall,
    preview: () => Promise<Preview>,
    origin: CallOrigin,
  ): Promise<GateResult> {
    const settings = this.approvals;
    if (!settings) throw new Error("approvals are not set up");
    const again = `Nothing was done. Call ${call.tool} again with the same arguments to ask afresh.`;
    const where = settings.desk.team
      ? "An approver must decide on the approval page (/approvals on this server)"
      : "The person must decide on the approval page that was opened for them";
    const decided =
      approval.status === "pending"
        ? await settings.book.waitForDecision(
            approval.id,
            settings.waitMs,
            origin.signal ?? new AbortController().signal,
            (waited) =>
              origin.progress?.(
                Math.round(waited / 1000),
                Math.round(settings.waitMs / 1000),
                `${where}; waiting for their decision.`,
              ) ?? Promise.resolve(),
          )
        : approval;
    if (decided === undefined) {
      return {
        proceed: false,
        decision: "expired",
        error: `The approval expired before anyone decided. ${again}`,
      };
    }
    if (decided.status === "pending") {
      return {
        proceed: false,
        decision: "asked",
        structured: {
          message: `Nothing was done yet. ${where} (until ${new Date(decided.expiresAt).toISOString()}). Once they have decided, call ${call.tool} again with the same arguments.`,
        },
      };
    }
    // Only a decided approval is used, once; one used already, or withdrawn undecided, acts on nothing.
    if (decided.status === "used" || !(await settings.book.use(decided))) {
      return { proceed: false, decision: "refused", error: `This approval was used already. ${again}` };
    }
    if (decided.status !== "approved") {
      return {
        proceed: false,
        decision: "declined",
        structured: { message: "The approver declined: nothing was done." },
      };
    }
    const shown = await preview();
    if (settings.book.stateDigestOf(shown.fingerprint) !== decided.stateDigest) return changed(again);
    return { proceed: true, decision: "confirmed" };
  }

  /** A form (today's channel where the client declares only forms). */
  private async askWithForm(call: SealedCall, preview: () => Promise<Preview>): Promise<GateResult> {
    const shown = await preview();
    const form = confirmationForm(shown);
    const { sealed } = this.signer.seal("state", call, shown.fingerprint);
    const ask = inputRequired({
      inputRequests: {
        [FORM_KEY]: inputRequired.elicit({
          mode: "form",
          message: form.message,
          requestedSchema: form.schema,
        }),
      },
      requestState: sealed,
    });
    return { proceed: false, decision: "asked", ask };
  }

  /** The client came back with our request state: the answer to a form, or to a URL elicitation. */
  private async answered(
    call: GatedCall,
    preview: () => Promise<Preview>,
    origin: CallOrigin,
  ): Promise<GateResult> {
    const state = origin.requestState;
    const again = `Nothing was done. Call ${call.tool} again to be asked afresh.`;
    const opened = typeof state === "string" ? this.signer.open(state, "state", call) : invalidState();
    if (!opened.ok) return refusal(opened, again);
    const answer = inputResponse(origin.inputResponses, FORM_KEY);
    if (answer.kind !== "elicit") {
      return {
        proceed: false,
        decision: "refused",
        error: `The client sent no answer to the confirmation request. ${again}`,
      };
    }
    if (opened.approvalId !== undefined) {
      // Each request state answers once: a resent one (a retry, a replay) acts on nothing.
      const claimed = await this.claim(opened, again);
      if (claimed) return claimed;
      const book = this.approvals?.book;
      const approval = book ? await book.get(opened.approvalId) : undefined;
      if (!book || !approval)
        return { proceed: false, decision: "expired", error: `The approval expired. ${again}` };
      if (answer.action !== "accept") {
        // The person would not open the page: that is their no, whatever the page says meanwhile.
        if (approval.status === "pending") {
          await book.decide(approval.id, "declined", { who: "the person at the client", via: "client" });
        } else if (approval.status === "approved" || approval.status === "declined") {
          await book.use(approval);
        }
        const decision = answer.action === "cancel" ? "cancelled" : "declined";
        return {
          proceed: false,
          decision,
          structured: { message: `The user ${decision} the approval: nothing was done.` },
        };
      }
      return this.pursue(approval, call, preview, origin);
    }
    if (answer.action !== "accept") {
      const decision = answer.action === "cancel" ? "cancelled" : "declined";
      return {
        proceed: false,
        decision,
        structured: { message: `The user ${decision} the confirmation: nothing was done.` },
      };
    }
    const claimed = await this.claim(opened, again);
    if (claimed) return claimed;
    const shown = await preview();
    if (!this.signer.sameState(opened, shown.fingerprint)) return changed(again);
    if (!confirmationForm(shown).agreed(answer.content)) {
      return {
        proceed: false,
        decision: "declined",
        structured: {
          message: shown.typeToConfirm
            ? "What the user typed did not match the e-mail address: nothing was done."
            : "The user did not tick yes: nothing was done.",
        },
      };
    }
    return { proceed: true, decision: "confirmed" };
  }

  private async token(
    call: SealedCall,
    token: string | undefined,
    preview: () => Promise<Preview>,
  ): Promise<GateResult> {
    if (token === undefined) {
      const shown = await preview();
      const { sealed, expiresAt } = this.signer.seal("token", call, shown.fingerprint);
      return {
        proceed: false,
        decision: "asked",
        structured: {
          confirmationRequired: true,
          preview: { action: shown.action, target: shown.target },
          confirmationToken: sealed,
          message: `Nothing was done yet. Show the user this preview and ask them; only if they agree, call ${call.tool} again with the same arguments plus confirmationToken (valid until ${new Date(expiresAt).toISOString()}).`,
        },
      };
    }
    const again = `Nothing was done. Call ${call.tool} again without confirmationToken to get a fresh preview.`;
    const opened = this.signer.open(token, "token", call);
    if (!opened.ok) return refusal(opened, again);
    const claimed = await this.claim(opened, again);
    if (claimed) return claimed;
    if (!this.signer.sameState(opened, (await preview()).fingerprint)) return changed(again);
    return { proceed: true, decision: "confirmed" };
  }

  /** Marks the seal used before anything else happens; a refusal when it was used already. */
  private async claim(
    opened: Extract<OpenedSeal, { ok: true }>,
    again: string,
  ): Promise<GateResult | undefined> {
    if (await this.store.claimNonce(opened.nonce, opened.expiresAt)) return undefined;
    return {
      proceed: false,
      decision: "refused",
      error: `This confirmation was used already: each confirms one call. ${again}`,
    };
  }
}

function invalidState(): OpenedSeal {
  return {
    ok: false,
    reason: "invalid",
    message: "The confirmation is not one this server issued, or it was altered.",
  };
}

function refusal(opened: Extract<OpenedSeal, { ok: false }>, again: string): GateResult {
  return {
    proceed: false,
    decision: opened.reason === "expired" ? "expired" : "refused",
    error: `${opened.message} ${again}`,
  };
}

function changed(again: string): GateResult {
  return {
    proceed: false,
    decision: "refused",
    error: `The target changed since the preview was made, so the confirmation no longer applies. ${again}`,
  };
}
