import type { CallToolResult } from "@modelcontextprotocol/server";
import { ContaboError } from "../client/errors.js";
import type { SecretRedactor } from "../shared/secrets.js";
import { escapeUnsafeCharacters, fenceAsData, jsonWithVisibleEscapes } from "../shared/untrusted-text.js";
import { ToolArgumentError } from "./tool-argument-error.js";

/**
 * A successful call: the structured result, and the same JSON as text for clients that read only
 * text, fenced as data from the Contabo API (it holds names and other values anyone with access to
 * the account could have written), on one visible line.
 */
export function toolSuccess(structured: Record<string, unknown>): CallToolResult {
  return {
    content: [{ type: "text", text: fenceAsData(jsonWithVisibleEscapes(structured)) }],
    structuredContent: structured,
  };
}

/**
 * The one mapping from a thrown error to an MCP tool error: what went wrong (with the status and the
 * API's message), the request id to quote to Contabo support, and what to do next. The messages may
 * hold text from the API (its error message, role names), so they are kept on one line: a line
 * break or an invisible character in them is written as a visible escape, and no API text can pose
 * as a line this server wrote.
 */
export function toolError(toolName: string, error: unknown, redactor?: SecretRedactor): CallToolResult {
  // Redacted before escaping, so that a secret is recognised in its original form.
  const oneLine = (text: string) => escapeUnsafeCharacters(redactor ? redactor.text(text) : text);
  const lines =
    error instanceof ContaboError
      ? [
          `${toolName} failed. ${oneLine(error.message)}`,
          ...(error.requestId ? [`Request id: ${oneLine(error.requestId)}`] : []),
          `What to do: ${error.hint}`,
        ]
      : error instanceof ToolArgumentError
        ? [`${toolName} refused: ${oneLine(error.message)}`, "Nothing was changed."]
        : isAbort(error)
          ? [`${toolName} was cancelled; the request to Contabo was aborted.`]
          : [
              `${toolName} failed unexpectedly: ${oneLine(error instanceof Error ? error.message : String(error))}`,
              "What to do: this is a bug in contabo-users-mcp; please report it with the server's log.",
            ];
  const text = lines.join("\n");
  return { content: [{ type: "text", text: redactor ? redactor.text(text) : text }], isError: true };
}

/** A call the safety layer stopped before anything was sent to Contabo. */
export function toolRefusal(toolName: string, reason: string): CallToolResult {
  return { content: [{ type: "text", text: `${toolName} refused: ${reason}` }], isError: true };
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError");
}
