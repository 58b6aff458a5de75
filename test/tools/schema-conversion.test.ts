import { createMCPClient } from "@ai-sdk/mcp";
import { convertToOpenAITool } from "@langchain/core/utils/function_calling";
import { loadMcpTools } from "@langchain/mcp-adapters";
import { asSchema, generateText, stepCountIs } from "ai";
import { MockLanguageModelV3 } from "ai/test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TOOLS } from "../../src/tools/registry.js";
import { connectToSandbox, NO_CONFIRMATION, sandboxServerTransport } from "../helpers/mcp.js";

/**
 * Every input schema, as two popular agent frameworks turn it into what a model is given. Both
 * checks read the converted JSON Schema on its own terms (not through our zod schemas): a property
 * that ends up without a type is "anything" to the model, and a union of primitive types is dropped
 * to `{}` by LangChain's simplifier and refused by some providers.
 */

type JsonSchema = { [key: string]: unknown };

const isSchema = (value: unknown): value is JsonSchema => typeof value === "object" && value !== null;

/** The paths of schemas a model would read as "any value": no type, enum or const, or a union of primitives. */
function vagueSchemas(schema: unknown, path = "$"): string[] {
  if (!isSchema(schema)) return [`${path} (not a schema)`];
  const found: string[] = [];
  const union = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(union)) {
    if (union.some((member) => !isSchema(member) || member.type !== "object"))
      found.push(`${path} (union of primitives)`);
    union.forEach((member, index) => {
      found.push(...vagueSchemas(member, `${path}|${index}`));
    });
  } else if (!("type" in schema) && !("enum" in schema) && !("const" in schema)) {
    found.push(`${path} ({})`);
  }
  if (isSchema(schema.properties)) {
    for (const [name, property] of Object.entries(schema.properties))
      found.push(...vagueSchemas(property, `${path}.${name}`));
  }
  if (schema.items !== undefined) found.push(...vagueSchemas(schema.items, `${path}[]`));
  if (isSchema(schema.additionalProperties)) {
    found.push(...vagueSchemas(schema.additionalProperties, `${path}{}`));
  }
  if ("$ref" in schema) found.push(`${path} ($ref)`);
  return found;
}

/** console.warn and console.error calls made while `work` runs: a converter's warnings. */
async function warningsDuring<T>(work: () => Promise<T>): Promise<{ result: T; warnings: string[] }> {
  const warnings: string[] = [];
  const record = (...parts: unknown[]) => {
    warnings.push(parts.map(String).join(" "));
  };
  const warn = vi.spyOn(console, "warn").mockImplementation(record);
  const error = vi.spyOn(console, "error").mockImplementation(record);
  try {
    return { result: await work(), warnings };
  } finally {
    warn.mockRestore();
    error.mockRestore();
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("LangChain's MCP adapter (@langchain/mcp-adapters)", () => {
  it("turns every tool's input into a schema where each field has a type, with no warning", async () => {
    const { client } = await connectToSandbox(NO_CONFIRMATION);
    const { result: tools, warnings } = await warningsDuring(async () => {
      const loaded = await loadMcpTools("contabo", client as unknown as Parameters<typeof loadMcpTools>[1], {
        throwOnLoadError: true,
      });
      // What a chat model is given: LangChain's OpenAI-format tool, built from the adapter's schema.
      return loaded.map((tool) => ({
        name: tool.name,
        openAi: convertToOpenAITool(tool),
        schema: tool.schema,
      }));
    });
    expect(tools.map((tool) => tool.name).sort()).toEqual(TOOLS.map((tool) => tool.name).sort());
    const vague = tools.flatMap((tool) => [
      ...vagueSchemas(tool.schema, tool.name),
      ...vagueSchemas(tool.openAi.function.parameters, `${tool.name} (as OpenAI tool)`),
    ]);
    expect(vague).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it("calls tools through the converted schemas: roles by name reach the account", async () => {
    const { client, sandbox } = await connectToSandbox(NO_CONFIRMATION);
    const tools = await loadMcpTools("contabo", client as unknown as Parameters<typeof loadMcpTools>[1]);
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    const user = [...sandbox.state.users.values()].find((candidate) => !candidate.owner);
    if (!user) expect.fail("the sandbox has a user who is not the owner");
    await byName.get("update_user")?.invoke({ userId: user.userId, roles: ["Billing", "101"] });
    expect(sandbox.state.users.get(user.userId)?.roleIds).toEqual([2, 101]);
    // LangChain checks arguments against the converted schema before calling: a role that is not a
    // string never reaches the server.
    await expect(
      byName.get("update_user")?.invoke({ userId: user.userId, roles: [{ admin: true }] }),
    ).rejects.toThrow(/did not match expected schema/);
    expect(sandbox.state.users.get(user.userId)?.roleIds).toEqual([2, 101]);
  });
});

describe("the AI SDK (ai + @ai-sdk/mcp)", () => {
  it("gives a model every tool with a typed input schema, and no warning", async () => {
    const { transport } = await sandboxServerTransport();
    const mcp = await createMCPClient({ transport });
    try {
      const tools = await mcp.tools();
      expect(Object.keys(tools).sort()).toEqual(TOOLS.map((tool) => tool.name).sort());
      // What a provider receives: the tools as the AI SDK hands them to a language model.
      let given: Array<{ name: string; inputSchema?: unknown }> = [];
      const model = new MockLanguageModelV3({
        doGenerate: async (options) => {
          given = (options.tools ?? []).map((tool) => ({
            name: tool.name,
            inputSchema: "inputSchema" in tool ? tool.inputSchema : undefined,
          }));
          return {
            content: [{ type: "text", text: "done" }],
            finishReason: { unified: "stop", raw: "stop" },
            usage: {
              inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
              outputTokens: { total: 1, text: 1, reasoning: 0 },
            },
            warnings: [],
          };
        },
      });
      const { result, warnings } = await warningsDuring(() =>
        generateText({ model, tools, prompt: "Who lacks 2FA?", stopWhen: stepCountIs(1) }),
      );
      expect(warnings).toEqual([]);
      expect(result.warnings ?? []).toEqual([]);
      expect(given.map((tool) => tool.name).sort()).toEqual(Object.keys(tools).sort());
      const vague: string[] = [];
      for (const [name, tool] of Object.entries(tools)) {
        vague.push(...vagueSchemas(await asSchema(tool.inputSchema).jsonSchema, name));
      }
      for (const tool of given)
        vague.push(...vagueSchemas(tool.inputSchema, `${tool.name} (given to the model)`));
      expect(vague).toEqual([]);
    } finally {
      await mcp.close();
    }
  });

  it("runs a model's tool call with roles by name", async () => {
    const { transport, sandbox } = await sandboxServerTransport();
    const mcp = await createMCPClient({ transport });
    try {
      const user = [...sandbox.state.users.values()].find((candidate) => !candidate.owner);
      if (!user) expect.fail("the sandbox has a user who is not the owner");
      const input = JSON.stringify({ userId: user.userId, roles: ["Billing"] });
      const model = new MockLanguageModelV3({
        doGenerate: async () => ({
          content: [{ type: "tool-call", toolCallId: "call-1", toolName: "update_user", input }],
          finishReason: { unified: "tool-calls", raw: "tool_calls" },
          usage: {
            inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
            outputTokens: { total: 1, text: 1, reasoning: 0 },
          },
          warnings: [],
        }),
      });
      const result = await generateText({
        model,
        tools: await mcp.tools(),
        prompt: "Make them billing.",
        stopWhen: stepCountIs(1),
      });
      expect(result.toolResults.map((call) => call.toolName)).toEqual(["update_user"]);
      expect(sandbox.state.users.get(user.userId)?.roleIds).toEqual([2]);
    } finally {
      await mcp.close();
    }
  });
});
