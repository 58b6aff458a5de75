import {
  type CallToolResult,
  Client,
  type ClientCapabilities,
  type ElicitRequest,
  type ElicitResult,
  InMemoryTransport,
  StreamableHTTPClientTransport,
} from "@modelcontextprotocol/client";
import { type AuthInfo, createMcpHandler, type ProtocolEra } from "@modelcontextprotocol/server";
import { expect, onTestFinished } from "vitest";
import type { UsersApi } from "../../src/client/users-api.js";
import { createMcpServer, type ServerOptions } from "../../src/mcp/server.js";
import type { Safety, SafetyConfig } from "../../src/safety/index.js";
import { createSafety } from "../../src/safety/index.js";
import type { Sandbox, SandboxOptions } from "../../src/sandbox/index.js";
import type { Logger } from "../../src/shared/log.js";
import { TOOLS } from "../../src/tools/registry.js";
import { prepareToolListing } from "../../src/tools/tool-listing.js";
import { unfence } from "../safety/data-fence.js";
import { recordServerOutput, testLogger } from "./logs.js";
import { clientFor, useSandbox } from "./sandbox.js";

export interface ConnectOptions {
  logger?: Logger;
  safety?: Safety | SafetyConfig;
  /** Declares elicitation and answers each request with this function (2025-era connections). */
  elicit?: (request: ElicitRequest["params"]) => ElicitResult | Promise<ElicitResult>;
  /** What auth_status reports about the upstream (the CLI passes the real values). */
  about?: ServerOptions["about"];
  /**
   * The protocol era the client speaks. `legacy` (the default): a 2025-era `initialize` over a
   * linked in-memory pair. `modern`: a client pinned to 2026-07-28, talking to the SDK's HTTP handler
   * in process (its fetch function, no socket), each request served by a fresh server.
   */
  era?: ProtocolEra;
  /** Modern era: the identity the HTTP layer vouches for on every request (as a bearer token would). */
  authInfo?: AuthInfo;
  /** --redirect-hosts (default contabo.com). */
  redirectHosts?: readonly string[];
  /** What the client declares (default: form elicitation when `elicit` is given, else nothing). */
  capabilities?: ClientCapabilities;
}

export const PROTOCOL_ERAS: readonly ProtocolEra[] = ["legacy", "modern"];

/** The SDK v2 Client connected to our server, which calls `api` (usually the sandbox over HTTP). */
export async function connectClient(api: UsersApi, options: ConnectOptions = {}): Promise<Client> {
  // Tests run from the sources, without the bundle's listing: it is made from the implementations.
  await prepareToolListing(TOOLS, { withTokens: true });
  const given = options.safety ?? {};
  const safety = "gate" in given ? given : createSafety({ auditSink: recordServerOutput, ...given }, TOOLS);
  const logger = options.logger ?? testLogger(safety.redactor);
  const { about, redirectHosts } = options;
  const newServer = (era: ProtocolEra) => createMcpServer({ api, logger, safety, about, era, redirectHosts });
  const era = options.era ?? "legacy";
  const client = new Client(
    { name: "test-client", version: "1.0.0" },
    {
      capabilities: options.capabilities ?? (options.elicit ? { elicitation: {} } : {}),
      ...(era === "modern" ? { versionNegotiation: { mode: { pin: "2026-07-28" } } } : {}),
    },
  );
  const elicit = options.elicit;
  if (elicit) client.setRequestHandler("elicitation/create", (request) => elicit(request.params));
  if (era === "modern") {
    const handler = createMcpHandler(({ era: served }) => newServer(served), { legacy: "reject" });
    const transport = new StreamableHTTPClientTransport(new URL("http://in-process.test/mcp"), {
      fetch: (url, init) => handler.fetch(new Request(url, init), { authInfo: options.authInfo }),
    });
    await client.connect(transport);
    onTestFinished(async () => {
      await client.close();
      await handler.close();
    });
    return client;
  }
  await client.connect(await linkedServerTransport(newServer("legacy")));
  onTestFinished(() => client.close());
  return client;
}

/** The client half of an in-memory pair whose other half our server (2025 era) is connected to. */
async function linkedServerTransport(server: ReturnType<typeof createMcpServer>): Promise<InMemoryTransport> {
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  onTestFinished(() => server.close());
  return clientTransport;
}

/**
 * A transport to our server on the sandbox, for a third-party MCP client (2025 era, in memory, no
 * confirmation step): the client half of a linked pair, which any client speaking JSON-RPC messages
 * through start/send/close/onmessage can use.
 */
export async function sandboxServerTransport(): Promise<{ transport: InMemoryTransport; sandbox: Sandbox }> {
  await prepareToolListing(TOOLS, { withTokens: true });
  const sandbox = await useSandbox();
  const contabo = clientFor(sandbox);
  const safety = createSafety(
    { auditSink: recordServerOutput, redactor: contabo.redactor, confirmMode: "off" },
    TOOLS,
  );
  const server = createMcpServer({
    api: contabo.api,
    logger: testLogger(safety.redactor),
    safety,
    era: "legacy",
  });
  return { transport: await linkedServerTransport(server), sandbox };
}

/** The client half of an in-memory pair to our server (2025 era) on `api` with this safety layer. */
export async function serverTransportFor(api: UsersApi, safety: Safety): Promise<InMemoryTransport> {
  await prepareToolListing(TOOLS, { withTokens: true });
  const server = createMcpServer({ api, logger: testLogger(safety.redactor), safety, era: "legacy" });
  return linkedServerTransport(server);
}

/** Calls a tool and fails the test on an error result; returns the structured content. */
export async function callTool<T = Record<string, unknown>>(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<T> {
  const result = await client.callTool({ name, arguments: args });
  if (result.isError) expect.fail(`${name} returned an error: ${textOf(result)}`);
  expect(result.structuredContent).toBeDefined();
  expect(JSON.parse(unfence(textOf(result)))).toEqual(result.structuredContent);
  return result.structuredContent as T;
}

/** Calls a tool that must fail; returns the error text. */
export async function callToolError(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<string> {
  const result = await client.callTool({ name, arguments: args });
  if (!result.isError) expect.fail(`${name} succeeded but should have failed: ${textOf(result)}`);
  return textOf(result);
}

export function textOf(result: CallToolResult): string {
  return result.content.map((part) => (part.type === "text" ? part.text : "")).join("\n");
}

/** A sandbox, a real Contabo client on it, and the SDK Client connected to our server. */
export async function connectToSandbox(options: { sandbox?: SandboxOptions } & ConnectOptions = {}) {
  const sandbox = await useSandbox(options.sandbox);
  const contabo = clientFor(sandbox);
  const given = options.safety ?? {};
  const safety = "gate" in given ? given : { redactor: contabo.redactor, ...given };
  const client = await connectClient(contabo.api, { ...options, safety });
  return { sandbox, contabo, client };
}

/** For tests of the operations themselves: no confirmation step. */
export const NO_CONFIRMATION = { safety: { confirmMode: "off" } } as const;
