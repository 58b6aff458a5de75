import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { UsersApi } from "./client/users-api.js";
import { type Logger, silentLogger } from "./log.js";
import type { ToolDefinition } from "./tools/define-tool.js";
import { TOOLS } from "./tools/registry.js";
import { toolError, toolSuccess } from "./tools/tool-result.js";
import { SERVER_NAME, VERSION } from "./version.js";

export interface ServerOptions {
  api: UsersApi;
  logger?: Logger;
  tools?: readonly ToolDefinition[];
}

const INSTRUCTIONS =
  "Manage the users of a Contabo account: list, create, update, disable and delete users, send password-reset and verification e-mails, and manage the API client secret and users' S3 object-storage credentials. Find ids with retrieve_user_list and list_object_storage_credentials first. Tools marked destructive change access at once: tell the user what will happen before calling them. Every result carries the requestId of the Contabo request, for support.";

/** Builds the MCP server from the tool registry: one registration path for every tool. */
export function createMcpServer({ api, logger = silentLogger, tools = TOOLS }: ServerOptions): McpServer {
  const server = new McpServer({ name: SERVER_NAME, version: VERSION }, { instructions: INSTRUCTIONS });
  for (const tool of tools) {
    server.registerTool(
      tool.name,
      {
        title: tool.annotations.title,
        description: tool.description,
        inputSchema: tool.input,
        outputSchema: tool.output,
        annotations: tool.annotations,
      },
      async (args, extra) => {
        const started = performance.now();
        try {
          const output = await tool.run(args, { api, signal: extra.signal });
          logger.info("tool call", {
            tool: tool.name,
            outcome: "ok",
            ms: elapsed(started),
            requestId: requestIdOf(output),
          });
          return toolSuccess(output);
        } catch (error) {
          const outcome = extra.signal.aborted ? "cancelled" : "error";
          logger[outcome === "cancelled" ? "info" : "warn"]("tool call", {
            tool: tool.name,
            outcome,
            ms: elapsed(started),
            error: error instanceof Error ? error.name : "unknown",
            requestId: requestIdOf(error),
          });
          return toolError(tool.name, error);
        }
      },
    );
  }
  return server;
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

function requestIdOf(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || !("requestId" in value)) return undefined;
  return typeof value.requestId === "string" ? value.requestId : undefined;
}
