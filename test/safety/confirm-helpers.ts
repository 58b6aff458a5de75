import type { CallToolResult, Client } from "@modelcontextprotocol/client";
import { expect } from "vitest";
import { textOf } from "../helpers/mcp.js";

export interface ConfirmationRequest {
  confirmationRequired: true;
  confirmationToken: string;
  expiresAt: string;
  preview: { action: string; target: Record<string, unknown> };
  message: string;
}

/** The first call of token mode: nothing happens, a preview and a token come back. */
export async function askConfirmation(client: Client, name: string, args: Record<string, unknown>) {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  expect(result.isError, textOf(result)).toBeFalsy();
  const request = result.structuredContent as unknown as ConfirmationRequest;
  expect(request.confirmationRequired).toBe(true);
  return request;
}

export async function callRaw(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}
