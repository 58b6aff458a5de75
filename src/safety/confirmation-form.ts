import type { ElicitRequestFormParams } from "@modelcontextprotocol/server";
import { quoteUntrusted } from "../shared/untrusted-text.js";
import type { Preview } from "./confirmation-types.js";

/** The form a human answers: the effect and the live details, and what they must enter to agree. */
export interface ConfirmationForm {
  message: string;
  schema: ElicitRequestFormParams["requestedSchema"];
  agreed(content: Record<string, unknown> | undefined): boolean;
}

/**
 * Builds the form from a preview. Every value shown comes from the API or the call, so each is
 * quoted on one line (untrusted-text.ts): a stored name cannot add lines that read as ours.
 */
export function confirmationForm(preview: Preview): ConfirmationForm {
  const details = Object.entries(preview.target)
    .map(([key, value]) => `- ${key}: ${shown(value)}`)
    .join("\n");
  const message = `${preview.action}\n\nThe details (quoted values come from the Contabo API or from this request, not from this server):\n${details}`;
  const typed = preview.typeToConfirm;
  if (typed) {
    return {
      message: `${message}\n\nTo proceed, type the e-mail address ${quoteUntrusted(typed.value)} (without the quotes).`,
      schema: {
        type: "object",
        properties: {
          confirmation: { type: "string", title: typed.label, description: "Type it exactly as shown" },
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

function shown(value: Preview["target"][string]): string {
  if (Array.isArray(value))
    return value.length === 0 ? "none" : value.map((item) => quoteUntrusted(item)).join(", ");
  return typeof value === "string" ? quoteUntrusted(value) : String(value);
}
