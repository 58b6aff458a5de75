import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import {
  type CallToolResult,
  type ElicitRequest,
  ElicitRequestSchema,
  type ElicitResult,
} from "@modelcontextprotocol/sdk/types.js";
import { expect, onTestFinished } from "vitest";
import type { UsersApi } from "../../src/client/users-api.js";
import type { Logger } from "../../src/log.js";
import type { Safety, SafetyConfig } from "../../src/safety/index.js";
import { createSafety } from "../../src/safety/index.js";
import type { SandboxOptions } from "../../src/sandbox/index.js";
import { createMcpServer, type ServerOptions } from "../../src/server.js";
import { TOOLS } from "../../src/tools/registry.js";
import { recordServerOutput, testLogger } from "./logs.js";
import { clientFor, useSandbox } from "./sandbox.js";

export interface ConnectOptions {
  logger?: Logger;
  safety?: Safety | SafetyConfig;
  /** Declares elicitation and answers each request with this function. */
  elicit?: (request: ElicitRequest["params"]) => ElicitResult | Promise<ElicitResult>;
  /** What auth_status reports about the upstream (the CLI passes the real values). */
  about?: ServerOptions["about"];
}

/** The SDK's Client linked in memory to our server, which calls `api` (usually the sandbox over HTTP). */
export async function connectClient(api: UsersApi, options: ConnectOptions = {}): Promise<Client> {
  const given = options.safety ?? {};
  const safety = "gate" in given ? given : createSafety({ auditSink: recordServerOutput, ...given }, TOOLS);
  const server = createMcpServer({
    api,
    logger: options.logger ?? testLogger(safety.redactor),
    safety,
    about: options.about,
  });
  const client = new Client(
    { name: "test-client", version: "1.0.0" },
    { capabilities: options.elicit ? { elicitation: {} } : {} },
  );
  const elicit = options.elicit;
  if (elicit) client.setRequestHandler(ElicitRequestSchema, (request) => elicit(request.params));
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  onTestFinished(async () => {
    await client.close();
    await server.close();
  });
  return client;
}

/** Calls a tool and fails the test on an error result; returns the structured content. */
export async function callTool<T = Record<string, unknown>>(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<T> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (result.isError) expect.fail(`${name} returned an error: ${textOf(result)}`);
  expect(result.structuredContent).toBeDefined();
  expect(JSON.parse(textOf(result))).toEqual(result.structuredContent);
  return result.structuredContent as T;
}

/** Calls a tool that must fail; returns the error text. */
export async function callToolError(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<string> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (!result.isError) expect.fail(`${name} succeeded but should have failed: ${textOf(result)}`);
  return textOf(result);
}

export function textOf(result: CallToolResult): string {
  return result.content.map((part) => (part.type === "text" ? part.text : "")).join("\n");
}

/** A sandbox, a real Contabo client on it, and the SDK Client connected to our server in memory. */
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
