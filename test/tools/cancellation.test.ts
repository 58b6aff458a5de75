import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it, onTestFinished } from "vitest";
import { createContaboClient } from "../../src/client/index.js";
import { createLogger } from "../../src/shared/log.js";
import { connectClient } from "../helpers/mcp.js";
import { until } from "../helpers/until.js";

/** An API on loopback that accepts requests and never answers them. */
async function hangingApi() {
  const received: IncomingMessage[] = [];
  const closed: string[] = [];
  const server = createServer((req) => {
    received.push(req);
    req.socket.once("close", () => closed.push(req.url ?? ""));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, closed };
}

describe("cancellation", () => {
  it("an MCP cancellation of a tool call aborts its HTTP request", async () => {
    const api = await hangingApi();
    const contabo = createContaboClient({ apiUrl: api.url, accessToken: "token" });
    onTestFinished(() => contabo.close());
    const logLines: string[] = [];
    const client = await connectClient(contabo.api, {
      logger: createLogger("info", (line) => logLines.push(line)),
    });

    const controller = new AbortController();
    const call = client.callTool(
      { name: "retrieve_user_list", arguments: {} },
      {
        signal: controller.signal,
      },
    );
    await until(() => api.received.length === 1);
    expect(api.closed).toEqual([]);
    controller.abort("the user pressed stop");
    await expect(call).rejects.toThrow();
    // The server aborted the upstream request: its connection closes.
    await until(() => api.closed.length === 1);
    expect(api.closed).toEqual(["/v1/users"]);
    // The server reports a cancellation, not a failure.
    await until(() => logLines.length === 1);
    expect(JSON.parse(logLines[0] ?? "")).toMatchObject({
      message: "tool call",
      tool: "retrieve_user_list",
      outcome: "cancelled",
      error: "AbortError",
      level: "info",
    });
  });
});
