// The floor for cold start: the bare MCP SDK with 12 trivial tools over stdio, nothing else.
// bench/run.mjs also bundles it into one file with esbuild, the other floor.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

const server = new McpServer({ name: "floor", version: "1.0.0" });
for (let i = 1; i <= 12; i++) {
  server.registerTool(
    `tool_${i}`,
    { description: `Trivial tool ${i}.`, inputSchema: z.strictObject({ id: z.string().optional() }) },
    async () => ({ content: [{ type: "text", text: "ok" }] }),
  );
}
await server.connect(new StdioServerTransport());
