// The floor for cold start: the bare MCP SDK v2 with 12 trivial tools over stdio (both protocol
// eras, as our server), nothing else. bench/run.mjs also bundles it into one file with esbuild.
import { McpServer } from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import { z } from "zod";

serveStdio(() => {
  const server = new McpServer({ name: "floor", version: "1.0.0" });
  for (let i = 1; i <= 12; i++) {
    server.registerTool(
      `tool_${i}`,
      { description: `Trivial tool ${i}.`, inputSchema: z.strictObject({ id: z.string().optional() }) },
      async () => ({ content: [{ type: "text", text: "ok" }] }),
    );
  }
  return server;
});
