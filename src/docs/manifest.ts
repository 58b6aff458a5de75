import type { ToolDefinition } from "../tools/define-tool.js";
import { VERSION } from "../version.js";
import { firstSentence } from "./tool-table.js";

/** The MCP Bundle manifest with its `tools` and `version` taken from the registry and the package. */
export function withManifestTools(manifestText: string, tools: readonly ToolDefinition[]): string {
  const manifest = JSON.parse(manifestText) as Record<string, unknown>;
  const updated = {
    ...manifest,
    version: VERSION,
    tools: tools.map((tool) => ({ name: tool.name, description: firstSentence(tool.description) })),
  };
  return `${JSON.stringify(updated, null, 2)}\n`;
}
