import { type InputRequiredResult, inputRequired, inputResponse } from "@modelcontextprotocol/server";
import { z } from "zod";
import { confirmationForm } from "./confirmation-form.js";
import type { ConfirmationSeal, OpenedSeal, SealedCall } from "./confirmation-seal.js";
import type { Preview } from "./confirmation-types.js";
import type { SafetyStore } from "./safety-store.js";

export const CONFIRM_MODES = ["auto", "elicit", "token", "off"] as const;
export type ConfirmMode = (typeof CONFIRM_MODES)[number];

/** Where a call comes from, as far as confirmation is concerned. */
export interface CallOrigin {
  /** Who calls: "stdio", or "http:" and the bearer's subject. Seals are bound to it. */
  caller: string;
  /** Whether a form can be put before a human on this call, or why not. */
  human: { reachable: true } | { reachable: false; why: string };
  /** What the client echoed from our last answer (2026-07-28 rounds, or the SDK's 2025-era shim). */
  requestState?: unknown;
  /** The client's answers to the forms of our last answer. */
  inputResponses?: Record<string, unknown>;
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

export function noHumanChannel(why: string): string {
  return `This call needs a person's confirmation, and there is no way to ask one here: ${why}. Nothing was sent to Contabo. Use an MCP client that supports elicitation (form mode), or have the operator start the server with --confirm token, knowing that the model itself can then complete these confirmations.`;
}

/**
 * Decides whether a call may act now. Destructive calls, calls that grant power and calls that
 * reveal a secret need a human's yes:
 * - auto / elicit: a form the client puts before the human (2026-07-28 `input_required`, served to
 *   2025-era clients by the SDK's shim as `elicitation/create`), with the call sealed in the
 *   request state. With no human to ask, the call is refused: it fails closed.
 * - token: a preview and a sealed token the model sends back; the model itself can do that, so it
 *   is an operator's explicit choice.
 * - off: no confirmation.
 * Every seal is single-use: its nonce is claimed in the store before the preview is made again or
 * anything runs.
 */
export class ConfirmationGate {
  constructor(
    readonly mode: ConfirmMode,
    private readonly seal: ConfirmationSeal,
    private readonly store: SafetyStore,
  ) {}

  async check(
    call: SealedCall,
    token: string | undefined,
    preview: () => Promise<Preview>,
    origin: CallOrigin,
  ): Promise<GateResult> {
    if (this.mode === "off") return { proceed: true, decision: "unconfirmed" };
    if (this.mode === "token") return this.token(call, token, preview);
    if (!origin.human.reachable)
      return { proceed: false, decision: "refused", error: noHumanChannel(origin.human.why) };
    return this.form(call, preview, origin);
  }

  private async form(
    call: SealedCall,
    preview: () => Promise<Preview>,
    origin: CallOrigin,
  ): Promise<GateResult> {
    const state = origin.requestState;
    if (state === undefined) {
      const shown = await preview();
      const form = confirmationForm(shown);
      const { sealed } = this.seal.seal("state", call, shown.fingerprint);
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
    const again = `Nothing was done. Call ${call.tool} again to be asked afresh.`;
    const opened = typeof state === "string" ? this.seal.open(state, "state", call) : invalidState();
    if (!opened.ok) return refusal(opened, again);
    const answer = inputResponse(origin.inputResponses, FORM_KEY);
    if (answer.kind !== "elicit") {
      return {
        proceed: false,
        decision: "refused",
        error: `The client sent no answer to the confirmation form. ${again}`,
      };
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
    if (!this.seal.sameState(opened, shown.fingerprint)) return changed(again);
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
      const { sealed, expiresAt } = this.seal.seal("token", call, shown.fingerprint);
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
    const opened = this.seal.open(token, "token", call);
    if (!opened.ok) return refusal(opened, again);
    const claimed = await this.claim(opened, again);
    if (claimed) return claimed;
    if (!this.seal.sameState(opened, (await preview()).fingerprint)) return changed(again);
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
