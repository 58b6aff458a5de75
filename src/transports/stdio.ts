import type { McpServerFactory } from "@modelcontextprotocol/server";
import { serveStdio as serveStdioEntry } from "@modelcontextprotocol/server/stdio";

/**
 * Serves MCP over stdin/stdout, both protocol eras from one factory: the opening exchange decides
 * the connection's era (2026-07-28 requests, or a 2025-era `initialize`). Resolves when the client
 * goes away (stdin ends or closes), after the connection is closed, so the caller can clean up.
 */
export async function serveStdio(factory: McpServerFactory, onerror?: (error: Error) => void): Promise<void> {
  const clientGone = new Promise<void>((resolve) => {
    process.stdin.once("end", resolve);
    process.stdin.once("close", resolve);
  });
  const handle = serveStdioEntry(factory, { onerror });
  await clientGone;
  await handle.close();
}
