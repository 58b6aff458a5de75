// The practical limit of a call over Streamable HTTP: the thinnest SDK v2 server that does the job
// of retrieve_user_list (size 10), a keep-alive GET of the sandbox route with a token given in
// BENCH_TOKEN, behind one tool, served statelessly by the SDK's handler on node:http like ours.
// Prints {"url": ...} on stderr when it listens. A bench baseline, not a product mode.
import { createServer } from "node:http";
import { toNodeHandler } from "@modelcontextprotocol/node";
import { createMcpHandler, McpServer } from "@modelcontextprotocol/server";
import { Agent, request } from "undici";
import { v4 as uuidv4 } from "uuid";
import { z } from "zod";

const agent = new Agent({ keepAliveTimeout: 30_000 });
const headers = { authorization: `Bearer ${process.env.BENCH_TOKEN}`, accept: "application/json" };
const input = z.strictObject({ size: z.int().min(1).max(100).optional() });
const output = z.looseObject({ users: z.array(z.looseObject({})) });

const handler = createMcpHandler(() => {
  const server = new McpServer({ name: "thin-http", version: "1.0.0" });
  server.registerTool(
    "retrieve_user_list",
    { description: "Users.", inputSchema: input, outputSchema: output },
    async ({ size = 10 }, ctx) => {
      const response = await request(`${process.env.BENCH_API_URL}/v1/users?size=${size}`, {
        dispatcher: agent,
        headers: { ...headers, "x-request-id": uuidv4() },
        signal: ctx.mcpReq.signal,
      });
      const body = await response.body.json();
      const users = body.data;
      return { content: [{ type: "text", text: JSON.stringify({ users }) }], structuredContent: { users } };
    },
  );
  return server;
});
const serve = toNodeHandler(handler);
const server = createServer((req, res) => {
  serve(req, res).catch(() => res.destroy());
});
server.listen(0, "127.0.0.1", () => {
  process.stderr.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.address().port}/mcp` })}\n`);
});
