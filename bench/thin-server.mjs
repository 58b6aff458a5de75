// The practical limit of a call: the thinnest SDK v2 server that does the job of retrieve_user, a
// keep-alive GET of the sandbox route with a token given in BENCH_TOKEN, behind one tool, over
// stdio in both protocol eras. A bench baseline, not a product mode.
import { McpServer } from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import { Agent, request } from "undici";
import { v4 as uuidv4 } from "uuid";
import { z } from "zod";

const agent = new Agent({ keepAliveTimeout: 30_000 });
const headers = { authorization: `Bearer ${process.env.BENCH_TOKEN}`, accept: "application/json" };
const input = z.strictObject({ userId: z.uuid() });
const output = z.looseObject({ user: z.looseObject({}) });

serveStdio(() => {
  const server = new McpServer({ name: "thin", version: "1.0.0" });
  server.registerTool(
    "retrieve_user",
    { description: "One user.", inputSchema: input, outputSchema: output },
    async ({ userId }, ctx) => {
      const response = await request(`${process.env.BENCH_API_URL}/v1/users/${userId}`, {
        dispatcher: agent,
        headers: { ...headers, "x-request-id": uuidv4() },
        signal: ctx.mcpReq.signal,
      });
      const body = await response.body.json();
      const user = body.data[0];
      return { content: [{ type: "text", text: JSON.stringify({ user }) }], structuredContent: { user } };
    },
  );
  return server;
});
