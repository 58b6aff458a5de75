import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { toNodeHandler } from "@modelcontextprotocol/node";
import {
  type AuthInfo,
  createMcpHandler,
  type McpServer,
  type ProtocolEra,
} from "@modelcontextprotocol/server";
import { callerIdentity } from "../safety/caller-identity.js";
import type { CallerRateLimit } from "../safety/caller-rate-limit.js";
import type { Logger } from "../shared/log.js";
import { HttpConfigError, type HttpGuardOptions, HttpGuards } from "./http-guards.js";
import { KeysUnavailableError } from "./oauth/access-token-verifier.js";
import { IssuerMetadataError } from "./oauth/issuer-metadata.js";
import { OAuthGate, type OAuthGateOptions } from "./oauth/oauth-gate.js";
import {
  protectedResourceMetadataPaths,
  protectedResourceMetadataResponse,
} from "./oauth/protected-resource-metadata.js";

export { HttpConfigError } from "./http-guards.js";

export interface HttpServerOptions extends HttpGuardOptions {
  port: number;
  /**
   * A fresh MCP server for one request of the given protocol era: both eras are served statelessly,
   * so any replica can serve any request. `calledTool`: the tool a 2026-07-28 tools/call names.
   */
  newServer: (era: ProtocolEra, calledTool?: string) => McpServer;
  logger: Logger;
  maxBodyBytes?: number;
  /** --oauth-issuer: every /mcp request needs an access token of that issuer for this resource. */
  oauth?: OAuthGateOptions;
  /** What /healthz reports besides "serving": the shared state store's health (degraded, with why). */
  health?: () => { ok: true } | { ok: false; reason: string };
  /** /metrics in Prometheus' text format, to loopback peers and authenticated callers. */
  metrics?: { render(): Promise<{ contentType: string; body: string }> };
  /** --rate-limit: tool calls per caller per minute; over it, 429 with Retry-After. */
  rateLimit?: CallerRateLimit;
  /** The approval pages under /approvals (src/approvals/), behind the Host allowlist. */
  pages?: { owns(path: string): boolean; handle(req: IncomingMessage, res: ServerResponse): Promise<void> };
}

export interface RunningHttpServer {
  url: string;
  /** Stops accepting connections, lets in-flight requests finish (up to `graceMs`), then resolves. */
  close(graceMs?: number): Promise<void>;
}

export const MCP_PATH = "/mcp";
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** What the SDK hands our handlers as `ctx.http.authInfo` for MCP_HTTP_TOKEN callers (never the token itself). */
const STATIC_TOKEN_CALLER: AuthInfo = {
  token: "(MCP_HTTP_TOKEN)",
  clientId: "static-token",
  scopes: [],
  extra: { subject: "static-token" },
};

/**
 * The tool a 2026-07-28 tools/call names in its Mcp-Name header, which the SDK has checked against
 * the body before it asks for a server: that server needs only this tool. A name sent encoded, or
 * any other request, gets a server with everything.
 */
function calledTool(era: ProtocolEra, request: Request | undefined): string | undefined {
  if (era !== "modern" || request?.headers.get("mcp-method") !== "tools/call") return undefined;
  return request.headers.get("mcp-name") ?? undefined;
}

/**
 * MCP over Streamable HTTP on `POST /mcp`, with `/healthz` for load balancers: 2026-07-28 requests
 * and 2025-era clients alike, each request served by a fresh server (the SDK's handler validates
 * the 2026-07-28 headers and envelope). In front of it: the Host/Origin allowlists and the bearer
 * token (MCP_HTTP_TOKEN, or with `oauth` an OAuth access token whose scopes must cover the request);
 * bodies over 1 MB get 413, malformed JSON a JSON-RPC parse error, unknown paths 404.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const guards = new HttpGuards(options);
  const oauth = options.oauth ? await startOAuthGate(options.oauth, options.logger) : undefined;
  const metadataPaths = options.oauth ? protectedResourceMetadataPaths(options.oauth, MCP_PATH) : new Set();
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const onerror = (error: Error) => options.logger.debug("MCP request refused", { error: error.message });
  const mcp = createMcpHandler(
    ({ era, requestInfo }) => options.newServer(era, calledTool(era, requestInfo)),
    {
      onerror,
      maxRequestBodySize: maxBodyBytes,
    },
  );
  const serveMcp = toNodeHandler(mcp, { onerror, maxRequestBodySize: maxBodyBytes });
  let inFlight = 0;
  let idle: (() => void) | undefined;

  const server = createServer((req, res) => {
    inFlight++;
    res.once("close", () => {
      inFlight--;
      if (inFlight === 0) idle?.();
    });
    handle(req, res).catch((error: unknown) => {
      options.logger.error("http request failed", {
        error: error instanceof Error ? error.message : String(error),
      });
      if (!res.headersSent) jsonRpcError(res, 500, -32603, "Internal error");
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://server").pathname;
    if (path === "/healthz" && (req.method === "GET" || req.method === "HEAD")) {
      // Degraded still serves (reads go on without the store): 200, so load balancers keep routing.
      const health = options.health?.() ?? { ok: true };
      const body = health.ok ? { status: "ok" } : { status: "degraded", reason: health.reason };
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(req.method === "HEAD" ? undefined : JSON.stringify(body));
      return;
    }
    if (path === "/metrics" && options.metrics && req.method === "GET") {
      if (!(await mayReadMetrics(req))) {
        jsonRpcError(res, 401, -32001, "/metrics needs the same credentials as /mcp", {
          "www-authenticate": "Bearer",
        });
        return;
      }
      const { contentType, body } = await options.metrics.render();
      res.writeHead(200, { "content-type": contentType }).end(body);
      return;
    }
    if (oauth && metadataPaths.has(path)) {
      await send(res, protectedResourceMetadataResponse(req.method, oauth.metadata));
      return;
    }
    if (options.pages?.owns(path)) {
      const verdict = guards.checkHost(req);
      if (!verdict.ok) {
        res
          .writeHead(verdict.status, { "content-type": "text/plain; charset=utf-8" })
          .end(`${verdict.message}\n`);
        return;
      }
      await options.pages.handle(req, res);
      return;
    }
    if (path !== MCP_PATH) {
      jsonRpcError(res, 404, -32601, `Not found: ${path} (the MCP endpoint is ${MCP_PATH})`);
      return;
    }
    const verdict = guards.check(req);
    if (!verdict.ok) {
      jsonRpcError(
        res,
        verdict.status,
        -32001,
        verdict.message,
        verdict.status === 401 ? { "www-authenticate": "Bearer" } : {},
      );
      return;
    }
    // The caller's identity, which confirmations are bound to: with the static token, all its holders are one caller.
    let caller = options.token !== undefined ? STATIC_TOKEN_CALLER : undefined;
    if (oauth) {
      const authenticated = await oauth.authenticate(req.headers.authorization);
      if (authenticated instanceof Response) {
        await send(res, authenticated);
        return;
      }
      caller = authenticated;
    }
    if (req.method !== "POST") {
      // Stateless: no sessions to resume or delete, no standalone event stream.
      jsonRpcError(res, 405, -32000, `Method ${req.method} not allowed: send MCP messages with POST`, {
        allow: "POST",
      });
      return;
    }
    const body = await readBody(req, maxBodyBytes);
    if (body === "too-large") {
      // Answer at once and drop the connection rather than read the rest of a huge body.
      jsonRpcError(res, 413, -32600, `Request body larger than ${maxBodyBytes} bytes`, {
        connection: "close",
      });
      return;
    }
    let message: unknown;
    try {
      message = JSON.parse(body);
    } catch {
      jsonRpcError(res, 400, -32700, "Parse error: the body is not valid JSON");
      return;
    }
    const refusal = oauth && caller ? oauth.authorize(caller, message) : undefined;
    if (refusal) {
      await send(res, refusal);
      return;
    }
    // Each tool call counts, batched ones too: a batch of a thousand calls is a thousand calls.
    for (let call = 0; options.rateLimit && call < toolCallsIn(message); call++) {
      const admission = await options.rateLimit.admit(callerIdentity(caller, "http:anonymous"));
      if (!admission.ok) {
        jsonRpcError(res, 429, -32000, admission.message, {
          "retry-after": String(admission.retryInSeconds),
        });
        return;
      }
    }
    if (caller) {
      Object.assign(req, { auth: caller });
      // The credential has done its job: handlers (ctx.http.req) never see it, so it cannot travel on.
      delete req.headers.authorization;
    }
    await serveMcp(req, res, message);
  }

  /**
   * Who may read /metrics: whoever may call /mcp (the Host/Origin allowlists, and the token or a
   * valid access token). A server without either serves only loopback. The peer's address alone
   * proves nothing: behind a proxy on the same host, every request comes from loopback.
   */
  async function mayReadMetrics(req: IncomingMessage): Promise<boolean> {
    if (!guards.check(req).ok) return false;
    return !oauth || !((await oauth.authenticate(req.headers.authorization)) instanceof Response);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}${MCP_PATH}`,
    close: (graceMs = 10_000) =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          server.closeAllConnections();
          oauth?.close();
          void mcp.close().finally(resolve);
        };
        const timer = setTimeout(done, graceMs);
        idle = () => {
          if (inFlight === 0) done();
        };
        server.close();
        server.closeIdleConnections();
        if (inFlight === 0) done();
      }),
  };
}

/** How many tools/call a message holds, alone or in a batch: what --rate-limit counts. */
function toolCallsIn(message: unknown): number {
  const messages = Array.isArray(message) ? message : [message];
  return messages.filter(
    (item) =>
      typeof item === "object" && item !== null && (item as { method?: unknown }).method === "tools/call",
  ).length;
}

/** The OAuth gate, once the issuer's metadata and keys are read; a failure to read them stops the start. */
async function startOAuthGate(options: OAuthGateOptions, logger: Logger): Promise<OAuthGate> {
  try {
    return await OAuthGate.start(options, logger);
  } catch (error) {
    if (error instanceof IssuerMetadataError || error instanceof KeysUnavailableError) {
      throw new HttpConfigError(`--oauth-issuer: ${error.message}`);
    }
    throw error;
  }
}

/** Writes a web-standard Response (the OAuth answers) to the Node response. */
async function send(res: ServerResponse, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, { ...Object.fromEntries(response.headers), "content-length": body.length });
  res.end(body);
}

/** Reads the body, or "too-large" as soon as it is known to exceed `limit` (the rest is not read). */
function readBody(req: IncomingMessage, limit: number): Promise<string | "too-large"> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers["content-length"] ?? 0) > limit) {
      resolve("too-large");
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData);
        req.pause();
        resolve("too-large");
      } else {
        chunks.push(chunk);
      }
    };
    req.on("data", onData);
    req.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.once("error", reject);
  });
}

function jsonRpcError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null });
  res.writeHead(status, {
    ...headers,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}
