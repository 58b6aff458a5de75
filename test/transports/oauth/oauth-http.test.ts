import {
  type CallToolResult,
  Client,
  ClientCredentialsProvider,
  discoverOAuthProtectedResourceMetadata,
  StreamableHTTPClientTransport,
} from "@modelcontextprotocol/client";
import { type AuthInfo, McpServer, type ProtocolEra } from "@modelcontextprotocol/server";
import { describe, expect, it, onTestFinished } from "vitest";
import { createMcpServer } from "../../../src/mcp/server.js";
import { CallerRateLimit } from "../../../src/safety/caller-rate-limit.js";
import { createSafety } from "../../../src/safety/index.js";
import { MemorySafetyStore } from "../../../src/safety/safety-store.js";
import { ADMIN_SCOPE, READ_SCOPE, SCOPES, WRITE_SCOPE } from "../../../src/safety/scope-policy.js";
import { TOOLS } from "../../../src/tools/registry.js";
import { prepareToolListing } from "../../../src/tools/tool-listing.js";
import { startHttpServer } from "../../../src/transports/http.js";
import { WITHHELD_TOKEN } from "../../../src/transports/oauth/access-token-verifier.js";
import type { OAuthGateOptions } from "../../../src/transports/oauth/oauth-gate.js";
import { readOAuthSettings } from "../../../src/transports/oauth/oauth-settings.js";
import { recordServerOutput, serverOutput, testLogger } from "../../helpers/logs.js";
import { modernEnvelope } from "../../helpers/modern-wire.js";
import { clientFor, useSandbox } from "../../helpers/sandbox.js";
import { until } from "../../helpers/until.js";
import { freePort, newSigningKey, startAuthorizationServer } from "./authorization-server.js";

// These tests make servers from the sources, without the bundle's listing: made from the implementations.
await prepareToolListing(TOOLS, { withTokens: true });

/** Our server with OAuth on the sandbox, its authorization server, and the audit lines it wrote. */
async function setUp(
  tuning: Partial<OAuthGateOptions> = {},
  server?: (era: ProtocolEra) => McpServer,
  rateLimit?: CallerRateLimit,
) {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}/mcp`;
  const issuer = await startAuthorizationServer(publicUrl);
  const sandbox = await useSandbox();
  const api = clientFor(sandbox).api;
  const audit: string[] = [];
  const auditSink = (line: string) => {
    audit.push(line);
    recordServerOutput(line);
  };
  const safety = createSafety({ confirmMode: "token", auditSink }, TOOLS);
  const logger = testLogger(safety.redactor);
  const settings = readOAuthSettings({ issuer: issuer.issuer, publicUrl }, undefined);
  if (!settings) throw new Error("OAuth settings expected");
  const http = await startHttpServer({
    host: "127.0.0.1",
    port,
    logger,
    newServer: server ?? ((era) => createMcpServer({ api, logger, safety, era })),
    oauth: { ...settings, ...tuning },
    rateLimit,
  });
  onTestFinished(() => http.close(100));
  const metadataUrl = `http://127.0.0.1:${port}/.well-known/oauth-protected-resource/mcp`;
  return { issuer, http, sandbox, audit, metadataUrl };
}

interface Answer {
  status: number;
  challenge: string | null;
  json: { result?: CallToolResult; error?: unknown; error_description?: string };
}

/** One hand-built 2026-07-28 request with this bearer token (none when undefined). */
async function send(url: string, token: string | undefined, method: string, params: Record<string, unknown>) {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2026-07-28",
      "mcp-method": method,
      ...(typeof params.name === "string" ? { "mcp-name": params.name } : {}),
      ...(typeof params.uri === "string" ? { "mcp-name": params.uri } : {}),
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: { ...params, _meta: modernEnvelope() } }),
  });
  const text = await response.text();
  const json = text.trimStart().startsWith("{")
    ? JSON.parse(text)
    : JSON.parse(
        text
          .split("\n")
          .filter((line) => line.startsWith("data:"))
          .at(-1)
          ?.slice(5) ?? "{}",
      );
  return { status: response.status, challenge: response.headers.get("www-authenticate"), json } as Answer;
}

const callTool = (url: string, token: string | undefined, name: string, args: Record<string, unknown> = {}) =>
  send(url, token, "tools/call", { name, arguments: args });

function invalidTokenChallenge(metadataUrl: string): RegExp {
  const quoted = metadataUrl.replaceAll(".", "\\.");
  return new RegExp(
    `^Bearer error="invalid_token", error_description="[^"]+", resource_metadata="${quoted}"$`,
  );
}

/** A v2 SDK client pinned to 2026-07-28 that gets its own tokens with the client-credentials grant. */
async function sdkClient(url: string, issuer: string, client: { id: string; secret: string }, scope: string) {
  const authProvider = new ClientCredentialsProvider({
    clientId: client.id,
    clientSecret: client.secret,
    scope,
    expectedIssuer: issuer,
  });
  const sdk = new Client(
    { name: "oauth-test", version: "1.0.0" },
    { versionNegotiation: { mode: { pin: "2026-07-28" } } },
  );
  await sdk.connect(new StreamableHTTPClientTransport(new URL(url), { authProvider }));
  onTestFinished(() => sdk.close());
  return sdk;
}

describe("--http with --oauth-issuer: an OAuth 2.1 resource server", () => {
  it("publishes its protected-resource metadata at the root and the /mcp well-known paths", async () => {
    const { issuer, http, metadataUrl } = await setUp();
    const expected = {
      resource: http.url,
      authorization_servers: [issuer.issuer],
      scopes_supported: [...SCOPES],
      bearer_methods_supported: ["header"],
    };
    for (const url of [metadataUrl, metadataUrl.replace(/\/mcp$/, "")]) {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      expect(await response.json()).toMatchObject(expected);
    }
    // The SDK client's own discovery reads and validates it (RFC 9728 schema).
    expect(await discoverOAuthProtectedResourceMetadata(http.url)).toMatchObject(expected);
    expect((await fetch(metadataUrl, { method: "POST" })).status).toBe(405);
  });

  it("answers 401 with a challenge naming the metadata, with invalid_token only when a token was sent", async () => {
    const { issuer, http, metadataUrl } = await setUp();
    const none = await callTool(http.url, undefined, "retrieve_user_list");
    expect(none.status).toBe(401);
    expect(none.challenge).toBe(`Bearer resource_metadata="${metadataUrl}"`);
    const basic = await fetch(http.url, {
      method: "POST",
      headers: { authorization: "Basic YTpi" },
      body: "{}",
    });
    expect(basic.status).toBe(401);
    expect(basic.headers.get("www-authenticate")).toBe(`Bearer resource_metadata="${metadataUrl}"`);

    const now = Math.floor(Date.now() / 1000);
    const stranger = await newSigningKey("unknown-kid");
    const sameKidOtherKey = {
      jwk: { ...(await newSigningKey()).jwk, kid: jwtHeader(await issuer.mint({})).kid },
    };
    const unsigned = `${base64url({ alg: "none", typ: "JWT" })}.${base64url({ iss: issuer.issuer, aud: http.url, sub: "x", exp: now + 300 })}.`;
    const hs256 = await issuer.mint(
      {},
      {
        key: { jwk: { kty: "oct", k: "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTMy", kid: "hmac" } },
        alg: "HS256",
      },
    );
    const refused: Record<string, string> = {
      "signed by another key under the issuer's kid": await issuer.mint({}, { key: sameKidOtherKey }),
      "signed by a key the issuer does not publish": await issuer.mint({}, { key: stranger }),
      "from another issuer": await issuer.mint({ iss: "https://other-issuer.example.com" }),
      "for another audience": await issuer.mint({ aud: "https://other-resource.example.com/mcp" }),
      "expired beyond the 30 s skew": await issuer.mint({ exp: now - 60 }),
      "not valid for a minute yet": await issuer.mint({ nbf: now + 60 }),
      "without exp": await issuer.mint({ exp: undefined }),
      "HS256 (shared secret)": hs256,
      "alg none": unsigned,
      "not a JWT": "opaque-token-value",
    };
    const answers: Record<string, string> = {};
    for (const [name, token] of Object.entries(refused)) {
      const answer = await callTool(http.url, token, "retrieve_user_list");
      expect(answer.status, name).toBe(401);
      expect(answer.challenge, name).toMatch(invalidTokenChallenge(metadataUrl));
      answers[name] = answer.json.error_description ?? "";
    }
    expect(answers).toMatchObject({
      "signed by another key under the issuer's kid": "the token's signature does not verify",
      "from another issuer": `the token was issued by another issuer (this server accepts ${issuer.issuer})`,
      "for another audience": `the token was not issued for this resource (its audience must be ${http.url})`,
      "expired beyond the 30 s skew": "the token has expired",
      "HS256 (shared secret)": expect.stringContaining("asymmetric only"),
      "alg none": expect.stringContaining("asymmetric only"),
    });
    // Within the skew, a token just past its exp (or just before its nbf) is still accepted.
    const lenient = await issuer.mint({ exp: now - 10, nbf: now + 10 });
    expect((await callTool(http.url, lenient, "retrieve_user_list", { size: 1 })).status).toBe(200);
    // A real token from the provider, for comparison.
    const real = await issuer.token(issuer.agent, READ_SCOPE);
    expect((await callTool(http.url, real, "retrieve_user_list", { size: 1 })).status).toBe(200);
    // GET /mcp: the token is checked first, then the method.
    expect((await fetch(http.url)).status).toBe(401);
    expect((await fetch(http.url, { headers: { authorization: `Bearer ${real}` } })).status).toBe(405);
  });

  it("a read-only token calls read tools, and gets 403 insufficient_scope on delete_user and on a reveal", async () => {
    const { issuer, http, sandbox, metadataUrl } = await setUp();
    const token = await issuer.token(issuer.agent, READ_SCOPE);
    const listed = await callTool(http.url, token, "retrieve_user_list", { size: 2 });
    expect(listed.status).toBe(200);
    expect(listed.json.result?.structuredContent).toMatchObject({ users: expect.any(Array) });
    const masked = await callTool(http.url, token, "retrieve_user_client");
    expect(masked.status).toBe(200);
    expect(masked.json.result?.isError).toBeFalsy();
    const roles = await send(http.url, token, "resources/read", { uri: "contabo://roles" });
    expect(roles.status).toBe(200);

    const user = [...sandbox.state.users.values()].find((candidate) => !candidate.owner);
    const refusals = {
      delete_user: await callTool(http.url, token, "delete_user", { userId: user?.userId }),
      reveal: await callTool(http.url, token, "retrieve_user_client", { reveal: true }),
      update_user: await callTool(http.url, token, "update_user", { userId: user?.userId, firstName: "No" }),
    };
    const needed = { delete_user: ADMIN_SCOPE, reveal: ADMIN_SCOPE, update_user: WRITE_SCOPE };
    for (const [name, answer] of Object.entries(refusals)) {
      expect(answer.status, name).toBe(403);
      expect(answer.challenge, name).toBe(
        `Bearer error="insufficient_scope", error_description="this request needs the scope ${needed[name as keyof typeof needed]} (the token grants: ${READ_SCOPE})", scope="${needed[name as keyof typeof needed]}", resource_metadata="${metadataUrl}"`,
      );
    }
    expect(sandbox.state.users.get(user?.userId ?? "")?.firstName).not.toBe("No");

    // A token with write but not read: the read tools and resources are refused.
    const writer = await issuer.token(issuer.agent, WRITE_SCOPE);
    expect((await callTool(http.url, writer, "retrieve_user_list")).status).toBe(403);
    expect((await send(http.url, writer, "resources/read", { uri: "contabo://roles" })).status).toBe(403);
  });

  it("a write token updates a user, and the audit line names the caller from the token", async () => {
    const { issuer, http, sandbox, audit } = await setUp();
    const token = await issuer.token(issuer.agent, WRITE_SCOPE);
    const user = [...sandbox.state.users.values()].find((candidate) => !candidate.owner);
    const updated = await callTool(http.url, token, "update_user", {
      userId: user?.userId,
      firstName: "Renamed",
    });
    expect(updated.status).toBe(200);
    expect(updated.json.result?.isError).toBeFalsy();
    expect(sandbox.state.users.get(user?.userId ?? "")?.firstName).toBe("Renamed");
    const line = audit
      .map((text) => JSON.parse(text) as { tool: string; caller: string })
      .find((entry) => entry.tool === "update_user");
    expect(line?.caller).toBe(`http:${issuer.agent.id}`);
  });

  it("hands the MCP handlers the caller's identity and scopes (ctx.http.authInfo), never the token", async () => {
    let seen: AuthInfo | undefined;
    let authorizationHeader: string | null | undefined;
    const whoami = () => {
      const server = new McpServer({ name: "whoami", version: "1.0.0" });
      server.registerTool("whoami", { description: "the caller" }, (ctx) => {
        seen = ctx.http?.authInfo;
        authorizationHeader = ctx.http?.req?.headers.get("authorization");
        return { content: [{ type: "text", text: "seen" }] };
      });
      return server;
    };
    const { issuer, http, metadataUrl } = await setUp({}, whoami);
    // A tool the scope policy does not know needs admin.
    const reader = await issuer.token(issuer.agent, READ_SCOPE);
    expect((await callTool(http.url, reader, "whoami")).status).toBe(403);
    const token = await issuer.token(issuer.agent, `${READ_SCOPE} ${ADMIN_SCOPE}`);
    expect((await callTool(http.url, token, "whoami")).status).toBe(200);
    expect(seen).toEqual({
      token: WITHHELD_TOKEN,
      clientId: issuer.agent.id,
      scopes: [READ_SCOPE, ADMIN_SCOPE],
      expiresAt: expect.any(Number),
      resource: new URL(http.url),
      resourceMetadataUrl: metadataUrl,
      extra: { subject: issuer.agent.id, issuer: issuer.issuer, tokenId: expect.any(String) },
    });
    expect(JSON.stringify(seen)).not.toContain(token.split(".")[2]);
    expect(authorizationHeader).toBeNull();
  });

  it("limits each caller's tool calls (--rate-limit), one caller's calls never counting for another", async () => {
    const limit = new CallerRateLimit(new MemorySafetyStore(), 3, () => {});
    const { issuer, http } = await setUp({}, undefined, limit);
    const [agent, reader] = await Promise.all([
      issuer.token(issuer.agent, READ_SCOPE),
      issuer.token(issuer.reader, READ_SCOPE),
    ]);
    const statuses = async (token: string) => {
      const seen: number[] = [];
      for (let i = 0; i < 4; i++) seen.push((await callTool(http.url, token, "retrieve_role_list")).status);
      return seen;
    };
    expect(await statuses(agent)).toEqual([200, 200, 200, 429]);
    expect(await statuses(reader)).toEqual([200, 200, 200, 429]);
    // Listing is not a call: it goes on.
    expect((await send(http.url, agent, "tools/list", {})).status).toBe(200);
  });

  it("serves a v2 SDK Client that gets its token through ClientCredentialsProvider", async () => {
    const { issuer, http, sandbox } = await setUp();
    const reader = await sdkClient(http.url, issuer.issuer, issuer.reader, READ_SCOPE);
    // It sees only what its scope allows: the read tools.
    const readTools = TOOLS.filter((tool) => tool.annotations.readOnlyHint).map((tool) => tool.name);
    expect((await reader.listTools()).tools.map((tool) => tool.name).sort()).toEqual(readTools.sort());
    const listed = await reader.callTool({ name: "retrieve_user_list", arguments: { size: 1 } });
    expect((listed.structuredContent as { users: unknown[] }).users).toHaveLength(1);
    const user = [...sandbox.state.users.values()].find((candidate) => !candidate.owner);
    // The 403 makes the client step up and ask for admin; the issuer grants the reader only read, so
    // the call stays refused and nothing runs.
    await expect(
      reader.callTool({ name: "delete_user", arguments: { userId: user?.userId } }),
    ).rejects.toThrow("403 insufficient_scope after step-up");
    expect(sandbox.state.users.has(user?.userId ?? "")).toBe(true);

    const admin = await sdkClient(http.url, issuer.issuer, issuer.agent, SCOPES.join(" "));
    const asked = (await admin.callTool({
      name: "delete_user",
      arguments: { userId: user?.userId },
    })) as CallToolResult;
    expect(asked.structuredContent).toMatchObject({ confirmationRequired: true });
  });

  it("picks up a rotated signing key: an unknown kid fetches the key set again, once", async () => {
    const { issuer, http } = await setUp({ jwksCooldownMs: 0 });
    expect(issuer.jwksFetches()).toBe(1);
    const before = await issuer.token(issuer.agent, READ_SCOPE);
    expect((await callTool(http.url, before, "auth_status")).status).toBe(200);
    expect(issuer.jwksFetches()).toBe(1);
    await issuer.rotateSigningKey();
    const after = await issuer.token(issuer.agent, READ_SCOPE);
    expect(jwtHeader(after).kid).not.toBe(jwtHeader(before).kid);
    expect((await callTool(http.url, after, "auth_status")).status).toBe(200);
    expect(issuer.jwksFetches()).toBe(2);
    expect((await callTool(http.url, after, "auth_status")).status).toBe(200);
    expect((await callTool(http.url, before, "auth_status")).status).toBe(200);
    expect(issuer.jwksFetches()).toBe(2);
  });

  it("rate-limits key-set fetches: within the cooldown, unknown kids are refused without a fetch", async () => {
    const { issuer, http } = await setUp();
    expect(issuer.jwksFetches()).toBe(1);
    const stranger = await newSigningKey();
    for (let i = 0; i < 5; i++) {
      const forged = await issuer.mint({}, { key: { jwk: { ...stranger.jwk, kid: `unknown-${i}` } } });
      expect((await callTool(http.url, forged, "auth_status")).status).toBe(401);
    }
    expect(issuer.jwksFetches()).toBe(1);
  });

  it("keeps verifying with the keys it holds while the issuer is down, refreshing them in the background", async () => {
    const { issuer, http } = await setUp({ jwksRefreshMs: 20 });
    const token = await issuer.token(issuer.agent, READ_SCOPE);
    await until(() => issuer.jwksFetches() >= 2);
    issuer.goDown();
    const beforeOutage = issuer.jwksFetches();
    await until(() => issuer.jwksFetches() >= beforeOutage + 2);
    expect((await callTool(http.url, token, "auth_status")).status).toBe(200);
    expect(serverOutput.some((line) => line.includes("keeping the OAuth issuer's keys held so far"))).toBe(
      true,
    );
  });

  it("answers 503 with Retry-After, not 401, when the issuer's keys cannot be read", async () => {
    const { issuer, http } = await setUp({ jwksCooldownMs: 0 });
    const unknownKid = await issuer.mint({}, { key: await newSigningKey() });
    issuer.goDown();
    const response = await fetch(http.url, {
      method: "POST",
      headers: { authorization: `Bearer ${unknownKid}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect(response.headers.get("www-authenticate")).toBeNull();
  });

  it("refuses to start when the issuer cannot be read, and next to MCP_HTTP_TOKEN", async () => {
    const port = await freePort();
    const sandbox = await useSandbox();
    const api = clientFor(sandbox).api;
    const safety = createSafety({}, TOOLS);
    const logger = testLogger(safety.redactor);
    const base = {
      host: "127.0.0.1",
      port: 0,
      logger,
      newServer: () => createMcpServer({ api, logger, safety }),
    };
    const oauth = {
      issuer: `http://127.0.0.1:${port}`,
      resource: "http://127.0.0.1/mcp",
      audience: "http://127.0.0.1/mcp",
    };
    await expect(startHttpServer({ ...base, oauth })).rejects.toThrow(
      `--oauth-issuer: could not read the metadata of the OAuth issuer http://127.0.0.1:${port}: http://127.0.0.1:${port}/.well-known/oauth-authorization-server:`,
    );
    await expect(startHttpServer({ ...base, oauth, token: "x".repeat(40) })).rejects.toThrow(
      "MCP_HTTP_TOKEN and --oauth-issuer exclude each other",
    );
  });
});

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function jwtHeader(token: string): { kid?: string; alg?: string } {
  return JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString()) as { kid?: string };
}
