import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type CallToolResult,
  Client,
  InMemoryTransport,
  LOG_LEVEL_META_KEY,
  StreamableHTTPClientTransport,
} from "@modelcontextprotocol/client";
import { request } from "undici";
import { describe, expect, it, onTestFinished } from "vitest";
import { createContaboClient } from "../../src/client/index.js";
import type { UsersApi } from "../../src/client/users-api.js";
import { createMcpServer } from "../../src/mcp/server.js";
import { createPrometheusMetrics } from "../../src/metrics/prometheus.js";
import { CallerRateLimit } from "../../src/safety/caller-rate-limit.js";
import { createSafety } from "../../src/safety/index.js";
import { MemorySafetyStore } from "../../src/safety/safety-store.js";
import { TOOLS } from "../../src/tools/registry.js";
import { prepareToolListing } from "../../src/tools/tool-listing.js";
import { type HttpServerOptions, startHttpServer } from "../../src/transports/http.js";
import { testLogger } from "../helpers/logs.js";
import { apiRequests, clientFor, tokenRequests, useSandbox } from "../helpers/sandbox.js";

// These tests make servers from the sources, without the bundle's listing: made from the implementations.
await prepareToolListing(TOOLS, { withTokens: true });

async function serve(api: UsersApi, options: Partial<HttpServerOptions> = {}) {
  const safety = createSafety({ confirmMode: "token" }, TOOLS);
  const logger = testLogger(safety.redactor);
  const http = await startHttpServer({
    host: "127.0.0.1",
    port: 0,
    newServer: (era, calledTool) => createMcpServer({ api, logger, safety, era, calledTool }),
    logger,
    ...options,
  });
  onTestFinished(() => http.close(100));
  return http;
}

/** A v2 client pinned to 2026-07-28 (or, with era "legacy", one that opens with `initialize`). */
async function connect(url: string, token?: string, era: "legacy" | "modern" = "modern"): Promise<Client> {
  const client = new Client(
    { name: "http-test", version: "1.0.0" },
    era === "modern" ? { versionNegotiation: { mode: { pin: "2026-07-28" } } } : {},
  );
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  onTestFinished(() => client.close());
  return client;
}

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const response = await request(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...headers,
    },
    body,
  });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

/** The per-request _meta of a 2026-07-28 request sent by hand. */
const ENVELOPE = {
  "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientInfo": { name: "raw", version: "1.0.0" },
  "io.modelcontextprotocol/clientCapabilities": {},
};

const TOKEN = "0123456789abcdef0123456789abcdef-token";

const INITIALIZE = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
});

describe("Streamable HTTP transport", () => {
  it("serves MCP statelessly: a confirmation asked on one request is honoured on the next", async () => {
    const sandbox = await useSandbox();
    const http = await serve(clientFor(sandbox).api);
    const client = await connect(http.url);
    const { tools } = await client.listTools();
    expect(tools).toHaveLength(TOOLS.length);
    const user = [...sandbox.state.users.values()].find((u) => !u.owner);
    const asked = (await client.callTool({
      name: "delete_user",
      arguments: { userId: user?.userId },
    })) as CallToolResult;
    const token = (asked.structuredContent as { confirmationToken: string }).confirmationToken;
    const done = (await client.callTool({
      name: "delete_user",
      arguments: { userId: user?.userId, confirmationToken: token },
    })) as CallToolResult;
    expect(done.structuredContent).toMatchObject({ ok: true });
    expect(sandbox.state.users.has(user?.userId ?? "")).toBe(false);
  });

  it("a confirmation asked on one replica is honoured by another sharing CONTABO_MCP_CONFIRM_KEY", async () => {
    const sandbox = await useSandbox();
    const key = "one-confirmation-key-for-all-replicas";
    const replica = async () => {
      const api = clientFor(sandbox).api;
      const safety = createSafety({ confirmMode: "token", confirmKey: key }, TOOLS);
      const logger = testLogger(safety.redactor);
      const http = await startHttpServer({
        host: "127.0.0.1",
        port: 0,
        logger,
        newServer: (era, calledTool) => createMcpServer({ api, logger, safety, era, calledTool }),
      });
      onTestFinished(() => http.close(100));
      return connect(http.url);
    };
    const [first, second] = [await replica(), await replica()];
    const user = [...sandbox.state.users.values()].find((u) => !u.owner);
    const asked = (await first.callTool({
      name: "delete_user",
      arguments: { userId: user?.userId },
    })) as CallToolResult;
    const token = (asked.structuredContent as { confirmationToken: string }).confirmationToken;
    const done = (await second.callTool({
      name: "delete_user",
      arguments: { userId: user?.userId, confirmationToken: token },
    })) as CallToolResult;
    expect(done.structuredContent).toMatchObject({ ok: true });
  });

  it("shares one upstream client and token among all requests", async () => {
    const sandbox = await useSandbox();
    const http = await serve(clientFor(sandbox).api);
    const clients = await Promise.all([connect(http.url), connect(http.url), connect(http.url)]);
    await Promise.all(
      clients.map((client) => client.callTool({ name: "retrieve_user_list", arguments: { size: 1 } })),
    );
    expect(tokenRequests(sandbox)).toHaveLength(1);
  });

  it("serves both protocol eras from /mcp, each request of a 2026-07-28 client on its own", async () => {
    const sandbox = await useSandbox();
    const http = await serve(clientFor(sandbox).api);
    for (const era of ["modern", "legacy"] as const) {
      const client = await connect(http.url, undefined, era);
      expect(client.getProtocolEra()).toBe(era);
      const listed = await client.callTool({ name: "retrieve_user_list", arguments: { size: 2 } });
      expect((listed.structuredContent as { users: unknown[] }).users).toHaveLength(2);
    }
  });

  it("serves a 2026-07-28 tools/call with a server of that tool alone; other requests get every tool", async () => {
    const sandbox = await useSandbox();
    const api = clientFor(sandbox).api;
    const safety = createSafety({}, TOOLS);
    const asked: Array<string | undefined> = [];
    const http = await serve(api, {
      newServer: (era, calledTool) => {
        asked.push(calledTool);
        return createMcpServer({ api, logger: testLogger(safety.redactor), safety, era, calledTool });
      },
    });
    const client = await connect(http.url);
    const listed = await client.callTool({ name: "retrieve_user_list", arguments: { size: 2 } });
    expect((listed.structuredContent as { users: unknown[] }).users).toHaveLength(2);
    const { tools } = await client.listTools();
    expect(tools).toHaveLength(TOOLS.length);
    await expect(client.callTool({ name: "retrieve_everything", arguments: {} })).rejects.toThrow(
      "Tool retrieve_everything not found",
    );
    expect(asked).toEqual(expect.arrayContaining(["retrieve_user_list", undefined, "retrieve_everything"]));
    // The server made for a call holds that tool alone: another tool's call would not be found.
    const alone = createMcpServer({ api, safety, era: "modern", calledTool: "retrieve_user" });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await alone.connect(serverSide);
    const direct = new Client({ name: "direct", version: "1.0.0" });
    await direct.connect(clientSide);
    onTestFinished(() => direct.close());
    await expect(direct.callTool({ name: "retrieve_user_list", arguments: {} })).rejects.toThrow(
      "Tool retrieve_user_list not found",
    );
  });

  it("sends a 2026-07-28 call's log lines on that call's own response stream, only when it asks", async () => {
    const sandbox = await useSandbox();
    const http = await serve(clientFor(sandbox).api);
    const client = await connect(http.url);
    const messages: Array<{ level: string; data: unknown }> = [];
    client.setNotificationHandler("notifications/message", (n) => {
      messages.push(n.params);
    });
    const userId = [...sandbox.state.users.values()].find((u) => !u.owner)?.userId;
    await client.callTool({ name: "update_user", arguments: { userId, firstName: "Silent" } });
    expect(messages).toEqual([]);
    await client.callTool({
      name: "update_user",
      arguments: { userId, firstName: "Heard" },
      _meta: { [LOG_LEVEL_META_KEY]: "info" },
    });
    // Stateless HTTP has no other stream: the line can only have come on the call's own response.
    expect(messages).toEqual([
      expect.objectContaining({
        level: "info",
        data: expect.objectContaining({ tool: "update_user", outcome: "ok" }),
      }),
    ]);
  });

  it("gives 2026-07-28 cache hints: 5 minutes for what changes only on restart, none for account data", async () => {
    const sandbox = await useSandbox();
    const http = await serve(clientFor(sandbox).api);
    const hints: Record<string, unknown> = {};
    const requests: Array<[string, Record<string, unknown>, Record<string, string>]> = [
      ["server/discover", {}, {}],
      ["tools/list", {}, {}],
      ["prompts/list", {}, {}],
      ["resources/templates/list", {}, {}],
      ["resources/list", {}, {}],
      ["resources/read", { uri: "contabo://roles" }, { "mcp-name": "contabo://roles" }],
    ];
    for (const [method, params, extra] of requests) {
      const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: { ...params, _meta: ENVELOPE } });
      const answer = await post(http.url, body, {
        "mcp-protocol-version": "2026-07-28",
        "mcp-method": method,
        ...extra,
      });
      const { result } = JSON.parse(answer.text) as { result: { ttlMs: number; cacheScope: string } };
      hints[method] = `${result.ttlMs} ${result.cacheScope}`;
    }
    expect(hints).toEqual({
      "server/discover": "300000 private",
      "tools/list": "300000 private",
      "prompts/list": "300000 private",
      "resources/templates/list": "300000 private",
      "resources/list": "0 private",
      "resources/read": "0 private",
    });
  });

  it("validates the 2026-07-28 headers against the body (400, -32020)", async () => {
    const sandbox = await useSandbox();
    const http = await serve(clientFor(sandbox).api);
    const body = JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/list", params: { _meta: ENVELOPE } });
    const ok = await post(http.url, body, {
      "mcp-protocol-version": "2026-07-28",
      "mcp-method": "tools/list",
    });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text)).toMatchObject({
      id: 7,
      result: { tools: expect.any(Array), ttlMs: 300_000 },
    });
    const mismatch = await post(http.url, body, {
      "mcp-protocol-version": "2026-07-28",
      "mcp-method": "prompts/list",
    });
    expect(mismatch.status).toBe(400);
    expect(JSON.parse(mismatch.text)).toMatchObject({ id: 7, error: { code: -32020 } });
    const missing = await post(http.url, body);
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.text)).toMatchObject({ error: { code: -32020 } });
  });

  it("answers /healthz, 404 for other paths, 405 for GET and DELETE on /mcp", async () => {
    const sandbox = await useSandbox();
    const http = await serve(clientFor(sandbox).api);
    const base = http.url.replace("/mcp", "");
    const health = await request(`${base}/healthz`);
    expect(health.statusCode).toBe(200);
    expect(await health.body.json()).toEqual({ status: "ok" });
    const missing = await request(`${base}/other`);
    expect(missing.statusCode).toBe(404);
    await missing.body.dump();
    for (const method of ["GET", "DELETE"] as const) {
      const response = await request(http.url, { method });
      expect(response.statusCode).toBe(405);
      expect(response.headers.allow).toBe("POST");
      await response.body.dump();
    }
  });

  it("answers malformed JSON with a JSON-RPC parse error and bodies over 1 MB with 413", async () => {
    const sandbox = await useSandbox();
    const http = await serve(clientFor(sandbox).api);
    const malformed = await post(http.url, "{not json");
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.text)).toEqual({
      jsonrpc: "2.0",
      error: { code: -32700, message: "Parse error: the body is not valid JSON" },
      id: null,
    });
    const big = await post(http.url, JSON.stringify({ padding: "x".repeat(1024 * 1024) }));
    expect(big.status).toBe(413);
    expect(big.headers.connection).toBe("close");
    expect(JSON.parse(big.text).error.code).toBe(-32600);
    expect((await post(http.url, INITIALIZE)).status).toBe(200);
  });

  it("requires the bearer token when one is set", async () => {
    const sandbox = await useSandbox();
    const http = await serve(clientFor(sandbox).api, { token: TOKEN });
    const none = await post(http.url, INITIALIZE);
    expect(none.status).toBe(401);
    expect(none.headers["www-authenticate"]).toBe("Bearer");
    expect(
      (await post(http.url, INITIALIZE, { authorization: `Bearer ${TOKEN.toUpperCase()}` })).status,
    ).toBe(401);
    expect((await post(http.url, INITIALIZE, { authorization: "Bearer short" })).status).toBe(401);
    expect((await post(http.url, INITIALIZE, { authorization: `bearer ${TOKEN}` })).status).toBe(200);
    const client = await connect(http.url, TOKEN);
    expect((await client.listTools()).tools).toHaveLength(TOOLS.length);
  });

  it("rejects foreign Host and Origin headers (DNS rebinding) and accepts loopback ones", async () => {
    const sandbox = await useSandbox();
    const http = await serve(clientFor(sandbox).api);
    const port = new URL(http.url).port;
    expect((await post(http.url, INITIALIZE, { host: "evil.example.com" })).status).toBe(403);
    expect((await post(http.url, INITIALIZE, { origin: "http://evil.example.com" })).status).toBe(403);
    expect(
      (await post(http.url, INITIALIZE, { host: `localhost:${port}`, origin: `http://localhost:${port}` }))
        .status,
    ).toBe(200);

    expect((await post(http.url, INITIALIZE, { host: `LOCALHOST:${port}` })).status).toBe(200);
    expect(
      (await post(http.url, INITIALIZE, { host: `[::1]:${port}`, origin: `http://[::1]:${port}` })).status,
    ).toBe(200);
    expect((await post(http.url, INITIALIZE, { host: "localhost.evil.example.com" })).status).toBe(403);
    expect((await post(http.url, INITIALIZE, { origin: "null" })).status).toBe(403);

    const configured = await serve(clientFor(sandbox).api, {
      token: TOKEN,
      allowedHosts: ["mcp.example.com"],
      allowedOrigins: ["https://app.example.com/"],
    });
    const authorized = { authorization: `Bearer ${TOKEN}` };
    const proxied = { ...authorized, host: "mcp.example.com", origin: "https://app.example.com" };
    expect((await post(configured.url, INITIALIZE, proxied)).status).toBe(200);
    expect((await post(configured.url, INITIALIZE, authorized)).status).toBe(403);
  });

  it("refuses to serve anything but loopback without a token, and short tokens", async () => {
    const sandbox = await useSandbox();
    const api = clientFor(sandbox).api;
    await expect(serve(api, { host: "0.0.0.0" })).rejects.toThrow(
      "refusing to serve 0.0.0.0 without MCP_HTTP_TOKEN",
    );
    // Behind a reverse proxy the server listens on loopback, but answers to a public name.
    await expect(serve(api, { allowedHosts: ["mcp.example.com"] })).rejects.toThrow(
      "refusing to serve non-loopback host names or origins without MCP_HTTP_TOKEN",
    );
    await expect(serve(api, { allowedOrigins: ["https://app.example.com"] })).rejects.toThrow(
      "without MCP_HTTP_TOKEN",
    );
    await expect(serve(api, { token: "short" })).rejects.toThrow(
      "MCP_HTTP_TOKEN must be at least 32 characters",
    );
  });

  it("on close, lets the in-flight request finish, then stops", async () => {
    // An API that answers after 300 ms, so that a call is in flight when the server closes.
    const slowApi = createServer((req, res) => {
      setTimeout(() => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            data: [{ tenantId: "DE", customerId: "1", id: "i", clientId: "c", secret: "s3cret-value" }],
            _links: { self: "x" },
          }),
        );
      }, 300);
      req.resume();
    });
    await new Promise<void>((resolve) => slowApi.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => new Promise<void>((resolve) => slowApi.close(() => resolve())));
    const contabo = createContaboClient({
      apiUrl: `http://127.0.0.1:${(slowApi.address() as AddressInfo).port}`,
      accessToken: "token",
    });
    onTestFinished(() => contabo.close());
    const http = await serve(contabo.api);
    const client = await connect(http.url);
    const call = client.callTool({ name: "retrieve_user_client", arguments: {} });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = http.close(5_000);
    const result = (await call) as CallToolResult;
    expect(result.structuredContent).toMatchObject({ client: { clientId: "c" } });
    await closing;
    await expect(request(http.url.replace("/mcp", "/healthz"))).rejects.toThrow();
  });

  it("counts every tool call of a batch against --rate-limit: a batch cannot slip past it", async () => {
    const sandbox = await useSandbox();
    const rateLimit = new CallerRateLimit(new MemorySafetyStore(), 3, () => {});
    const http = await serve(clientFor(sandbox).api, { rateLimit });
    const call = (id: number) => ({
      jsonrpc: "2.0",
      id,
      method: "tools/call",
      params: { name: "retrieve_role_list", arguments: {} },
    });
    // A 2025-03-26 client may batch; four calls are four against a limit of three.
    const batch = await post(http.url, JSON.stringify([1, 2, 3, 4].map(call)), {
      "mcp-protocol-version": "2025-03-26",
    });
    expect(batch.status).toBe(429);
    expect(Number(batch.headers["retry-after"])).toBeGreaterThan(0);
    expect(apiRequests(sandbox)).toEqual([]);
  });

  it("serves /metrics only to callers that may call /mcp", async () => {
    const metrics = createPrometheusMetrics();
    const token = "0123456789abcdef0123456789abcdef-metrics";
    const http = await serve(clientFor(await useSandbox()).api, { metrics, token });
    const at = http.url.replace("/mcp", "/metrics");
    expect((await request(at)).statusCode).toBe(401);
    const allowed = await request(at, { headers: { authorization: `Bearer ${token}` } });
    expect(allowed.statusCode).toBe(200);
    expect(await allowed.body.text()).toContain("# TYPE contabo_mcp_tool_calls_total counter");
  });
});
