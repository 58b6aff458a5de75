import type { ElicitRequestFormParams, ElicitResult } from "@modelcontextprotocol/server";
import { z } from "zod";
import type { Confirmation, Preview, ToolContext } from "../tools/define-tool.js";
import type { ConfirmationTokens } from "./confirmation-token.js";

export const CONFIRM_MODES = ["auto", "elicit", "token", "off"] as const;
export type ConfirmMode = (typeof CONFIRM_MODES)[number];

/** How a call may reach the human: MCP elicitation, when the client declared it. */
export interface ElicitationChannel {
  supported: boolean;
  ask(message: string, requestedSchema: ElicitRequestFormParams["requestedSchema"]): Promise<ElicitResult>;
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

/** Either the call may go ahead, or it stops here with a result (a preview, a decline) or an error. */
export type GateResult =
  | { proceed: true; decision: "not-required" | "unconfirmed" | "confirmed" }
  | { proceed: false; decision: "asked" | "declined" | "cancelled"; structured: ConfirmationOutput }
  | { proceed: false; decision: "expired" | "refused"; error: string };

/** What a tool that may need confirmation can answer instead of its result. */
export const confirmationOutputShape = {
  confirmationRequired: z.literal(true).optional(),
  confirmationToken: z.string().optional(),
  preview: z.object({ action: z.string(), target: z.record(z.string(), z.unknown()) }).optional(),
  message: z.string().optional(),
};
type ConfirmationOutput = {
  [K in keyof typeof confirmationOutputShape]?: z.output<(typeof confirmationOutputShape)[K]>;
};

/** A confirmable tool publishes its result fields as optional, beside the confirmation fields. */
export function confirmableOutput(output: z.ZodObject): z.ZodObject {
  return z.object({ ...output.partial().shape, ...confirmationOutputShape });
}

export const ELICITATION_UNSUPPORTED =
  "This call needs the user's confirmation, and this server asks for it through MCP elicitation, which this client did not declare (a 2026-07-28 client cannot be asked that way by this server yet). Nothing was done. Use a client that supports elicitation (form mode), or start the server with --confirm token (the tool then returns a preview and a confirmationToken to call again with) or --confirm auto.";

/**
 * Decides whether a call may act now. Destructive calls and calls that reveal a secret need the
 * human's agreement: asked through elicitation, or through a preview and a stateless token that
 * the model must send back after showing the preview; `off` acts at once.
 */
export class ConfirmationGate {
  constructor(
    readonly mode: ConfirmMode,
    private readonly tokens: ConfirmationTokens,
  ) {}

  /** For a call that needs confirmation (its tool's `confirm.when` said so). */
  async check(
    toolName: string,
    confirm: Confirmation<Record<string, unknown>>,
    args: Record<string, unknown>,
    context: ToolContext,
    channel: ElicitationChannel,
  ): Promise<GateResult> {
    if (this.mode === "off") return { proceed: true, decision: "unconfirmed" };
    const mode = this.mode === "auto" ? (channel.supported ? "elicit" : "token") : this.mode;
    const preview = () => confirm.preview(args, context);
    return mode === "elicit" ? this.elicit(preview, channel) : this.token(toolName, args, preview);
  }

  private async token(
    toolName: string,
    args: Record<string, unknown>,
    preview: () => Promise<Preview>,
  ): Promise<GateResult> {
    const { confirmationToken, ...call } = args;
    if (typeof confirmationToken !== "string") {
      const shown = await preview();
      const { token, expiresAt } = this.tokens.issue(toolName, call, shown.fingerprint);
      return {
        proceed: false,
        decision: "asked",
        structured: {
          confirmationRequired: true,
          preview: { action: shown.action, target: shown.target },
          confirmationToken: token,
          message: `Nothing was done yet. Show the user this preview and ask them; only if they agree, call ${toolName} again with the same arguments plus confirmationToken (valid until ${expiresAt}).`,
        },
      };
    }
    const again = `Nothing was done. Call ${toolName} again without confirmationToken to get a fresh preview.`;
    const check = this.tokens.check(confirmationToken, toolName, call);
    if (!check.ok) {
      const decision = check.reason === "expired" ? "expired" : "refused";
      return { proceed: false, decision, error: `${check.message} ${again}` };
    }
    if (!this.tokens.sameState(check, (await preview()).fingerprint)) {
      return {
        proceed: false,
        decision: "refused",
        error: `The target changed since the preview was made, so the confirmation no longer applies. ${again}`,
      };
    }
    this.tokens.spend(confirmationToken, check);
    return { proceed: true, decision: "confirmed" };
  }

  private async elicit(preview: () => Promise<Preview>, channel: ElicitationChannel): Promise<GateResult> {
    if (!channel.supported) return { proceed: false, decision: "refused", error: ELICITATION_UNSUPPORTED };
    const shown = await preview();
    const form = confirmationForm(shown);
    const answer = await channel.ask(form.message, form.schema);
    if (answer.action !== "accept" || !form.agreed(answer.content)) {
      const userAnswer = answer.action === "cancel" ? "cancelled" : "declined";
      const typedWrong = answer.action === "accept" && shown.typeToConfirm !== undefined;
      return {
        proceed: false,
        decision: userAnswer,
        structured: {
          preview: { action: shown.action, target: shown.target },
          message: typedWrong
            ? `What the user typed did not match ${shown.typeToConfirm?.value}: nothing was done.`
            : `The user ${userAnswer} the confirmation: nothing was done.`,
        },
      };
    }
    if ((await preview()).fingerprint !== shown.fingerprint) {
      return {
        proceed: false,
        decision: "refused",
        error:
          "The target changed while the user was being asked: nothing was done. Call again to ask about its current state.",
      };
    }
    return { proceed: true, decision: "confirmed" };
  }
}

/** The elicitation form: the effect and the live details, and what the human must enter to agree. */
interface ConfirmationForm {
  message: string;
  schema: ElicitRequestFormParams["requestedSchema"];
  agreed(content: ElicitResult["content"]): boolean;
}

function confirmationForm(preview: Preview): ConfirmationForm {
  const details = Object.entries(preview.target)
    .map(([key, value]) => `${key}: ${Array.isArray(value) ? value.join(", ") || "none" : String(value)}`)
    .join("\n");
  const message = `${preview.action}\n\n${details}`;
  const typed = preview.typeToConfirm;
  if (typed) {
    return {
      message: `${message}\n\nTo proceed, type ${typed.value}.`,
      schema: {
        type: "object",
        properties: {
          confirmation: { type: "string", title: typed.label, description: `Type ${typed.value}` },
        },
        required: ["confirmation"],
      },
      agreed: (content) =>
        typeof content?.confirmation === "string" &&
        content.confirmation.trim().toLowerCase() === typed.value.toLowerCase(),
    };
  }
  return {
    message,
    schema: {
      type: "object",
      properties: { confirm: { type: "boolean", title: "Yes, do this", default: false } },
      required: ["confirm"],
    },
    agreed: (content) => content?.confirm === true,
  };
}
