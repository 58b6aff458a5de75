import {
  Client,
  type Progress,
  StreamableHTTPClientTransport,
  type Transport,
} from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { Client as V1Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport as V1StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport as V1StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { describe, expect, it, onTestFinished } from "vitest";
import { TOOLS } from "../../src/tools/registry.js";
import { CLI, cleanEnv, runCli } from "../helpers/cli.js";

/**
 * Real clients of both protocol eras against the built CLI, over stdio and over Streamable HTTP:
 * each lists the tools, calls a read and a write tool, reads a resource, gets a prompt, and
 * receives progress while every page of users is read.
 */
interface EraClient {
  /** The era the client negotiated, where it can say (the v1 client only knows 2025). */
  era(): string | undefined;
  toolNames(): Promise<string[]>;
  call(
    name: string,
    args: Record<string, unknown>,
    onprogress?: (progress: Progress) => void,
  ): Promise<{ isError?: boolean; structuredContent?: unknown }>;
  readResource(uri: string): Promise<string>;
  promptText(name: string, args: Record<string, string>): Promise<string>;
}

type Where = { kind: "stdio" } | { kind: "http"; url: string };

const INFO = { name: "era-e2e", version: "1.0.0" };
/** Enough users for three pages of 100, so that reading them all sends progress. */
const SANDBOX_USERS = ["--sandbox-users", "250"];

function stdioParams() {
  return {
    command: process.execPath,
    args: [CLI, "--sandbox", ...SANDBOX_USERS],
    env: cleanEnv(),
    stderr: "ignore" as const,
  };
}

/** What both SDK generations' clients offer for resources and prompts, as the test reads them. */
interface ResourceAndPromptClient {
  readResource(params: { uri: string }): Promise<{ contents: Array<{ text: string } | { blob: string }> }>;
  getPrompt(params: {
    name: string;
    arguments: Record<string, string>;
  }): Promise<{ messages: Array<{ content: { type: string; text?: string } }> }>;
}

function readers(client: ResourceAndPromptClient): Pick<EraClient, "readResource" | "promptText"> {
  return {
    readResource: async (uri) => {
      const [content] = (await client.readResource({ uri })).contents;
      return content && "text" in content ? content.text : "";
    },
    promptText: async (name, args) => {
      const [message] = (await client.getPrompt({ name, arguments: args })).messages;
      return message?.content.type === "text" ? (message.content.text ?? "") : "";
    },
  };
}

async function v2Client(where: Where, pinned: boolean): Promise<EraClient> {
  const client = new Client(INFO, pinned ? { versionNegotiation: { mode: { pin: "2026-07-28" } } } : {});
  const transport: Transport =
    where.kind === "stdio"
      ? new StdioClientTransport(stdioParams())
      : new StreamableHTTPClientTransport(new URL(where.url));
  await client.connect(transport);
  onTestFinished(() => client.close());
  return {
    era: () => client.getProtocolEra(),
    toolNames: async () => (await client.listTools()).tools.map((tool) => tool.name),
    call: (name, args, onprogress) =>
      client.callTool({ name, arguments: args }, onprogress ? { onprogress } : undefined),
    ...readers(client),
  };
}

async function v1Client(where: Where): Promise<EraClient> {
  const client = new V1Client(INFO);
  await client.connect(
    where.kind === "stdio"
      ? new V1StdioClientTransport(stdioParams())
      : new V1StreamableHTTPClientTransport(new URL(where.url)),
  );
  onTestFinished(() => client.close());
  return {
    era: () => undefined,
    toolNames: async () => (await client.listTools()).tools.map((tool) => tool.name),
    call: async (name, args, onprogress) => {
      const result = await client.callTool(
        { name, arguments: args },
        undefined,
        onprogress ? { onprogress } : undefined,
      );
      return { isError: result.isError === true, structuredContent: result.structuredContent };
    },
    ...readers(client),
  };
}

const CLIENTS = [
  { client: "v2 Client pinned to 2026-07-28", era: "modern", connect: (w: Where) => v2Client(w, true) },
  {
    client: "v2 Client in its default 2025-era mode",
    era: "legacy",
    connect: (w: Where) => v2Client(w, false),
  },
  { client: "v1 Client (@modelcontextprotocol/sdk 1.x)", era: undefined, connect: v1Client },
] as const;

async function exercise(client: EraClient, expectedEra: string | undefined): Promise<void> {
  expect(client.era()).toBe(expectedEra);
  expect((await client.toolNames()).sort()).toEqual(TOOLS.map((tool) => tool.name).sort());

  const progress: Progress[] = [];
  const all = await client.call("retrieve_user_list", { all: true }, (p) => progress.push(p));
  expect(all.isError).toBeFalsy();
  const users = (all.structuredContent as { users: Array<{ userId: string; owner: boolean }> }).users;
  expect(users).toHaveLength(250);
  // 250 users in pages of 100: progress before pages 2 and 3, and a last one when all are read. The
  // v2 client (2.4) drops notifications that reach it in the same read as the result, so over stdio
  // the last ones may be lost on its side: at least the first must arrive, and those that do, in
  // order. That the server sends all three before the result is checked on the raw wire below.
  expect(progress.length).toBeGreaterThanOrEqual(1);
  expect(progress.map((p) => p.progress)).toEqual([100, 200, 250].slice(0, progress.length));
  expect(progress.every((p) => p.total === 250)).toBe(true);

  const target = users.find((user) => !user.owner)?.userId;
  const renamed = await client.call("update_user", { userId: target, firstName: "Eraproof" });
  expect(renamed.isError).toBeFalsy();
  const read = await client.call("retrieve_user", { userId: target });
  expect(read.structuredContent).toMatchObject({ user: { firstName: "Eraproof" } });

  const roles = JSON.parse(await client.readResource("contabo://roles")) as Array<{ name: string }>;
  expect(roles.map((role) => role.name)).toContain("Administrator");
  expect(await client.promptText("offboard_user", { user: "someone@example.com" })).toContain(
    "Offboard the Contabo user someone@example.com.",
  );
}

describe.each(CLIENTS)("over stdio: $client", ({ era, connect }) => {
  it("lists, reads, writes, reads a resource, gets a prompt and receives progress", async () => {
    await exercise(await connect({ kind: "stdio" }), era);
  });
});

describe.each(CLIENTS)("over Streamable HTTP: $client", ({ era, connect }) => {
  it("lists, reads, writes, reads a resource, gets a prompt and receives progress", async () => {
    const server = runCli(["--http", "--sandbox", ...SANDBOX_USERS, "--port", "0"]);
    const [, url = ""] = await server.until(/"url":"([^"]+)"/);
    await exercise(await connect({ kind: "http", url }), era);
  });
});

describe("the raw 2026-07-28 wire over stdio", () => {
  it("answers server/discover, and sends every progress notification before the call's result", async () => {
    const server = runCli(["--sandbox", ...SANDBOX_USERS]);
    await server.until(/serving MCP over stdio/);
    const envelope = {
      "io.modelcontextprotocol/protocolVersion": "2026-07-28",
      "io.modelcontextprotocol/clientInfo": { name: "raw", version: "1.0.0" },
      "io.modelcontextprotocol/clientCapabilities": {},
    };
    const lines: Array<{ id?: number; method?: string; params?: { progress?: number }; result?: unknown }> =
      [];
    let buffered = "";
    server.child.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const complete = buffered.split("\n");
      buffered = complete.pop() ?? "";
      for (const line of complete) if (line.trim()) lines.push(JSON.parse(line));
    });
    const answered = (id: number) =>
      new Promise<void>((resolve) => {
        const check = () => (lines.some((line) => line.id === id) ? resolve() : setImmediate(check));
        check();
      });
    const send = (message: unknown) => server.child.stdin?.write(`${JSON.stringify(message)}\n`);
    send({ jsonrpc: "2.0", id: 1, method: "server/discover", params: { _meta: envelope } });
    await answered(1);
    expect(lines[0]).toMatchObject({
      id: 1,
      result: { supportedVersions: ["2026-07-28"], capabilities: { tools: {}, resources: {}, prompts: {} } },
    });
    send({
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: {
        name: "retrieve_user_list",
        arguments: { all: true },
        _meta: { ...envelope, progressToken: "pages" },
      },
    });
    await answered(2);
    const afterDiscover = lines.slice(1);
    expect(afterDiscover.map((line) => line.method ?? `result ${line.id}`)).toEqual([
      "notifications/progress",
      "notifications/progress",
      "notifications/progress",
      "result 2",
    ]);
    expect(afterDiscover.slice(0, 3).map((line) => line.params?.progress)).toEqual([100, 200, 250]);
  });
});
