import type { AuthInfo } from "@modelcontextprotocol/server";

/** The `_meta` envelope of a hand-built 2026-07-28 request; `forms` declares form elicitation. */
export function modernEnvelope({ forms = false } = {}): Record<string, unknown> {
  return {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientInfo": { name: "raw", version: "1.0.0" },
    "io.modelcontextprotocol/clientCapabilities": forms ? { elicitation: { form: {} } } : {},
  };
}

/** The rounds of a multi-round-trip call: what the client echoes and answers. */
export interface Round {
  requestState?: string;
  inputResponses?: Record<string, unknown>;
}

export interface ToolCallAnswer {
  resultType?: string;
  requestState?: string;
  inputRequests?: Record<string, { method: string; params: { message: string; requestedSchema: unknown } }>;
  isError?: boolean;
  content?: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, unknown>;
}

/** Where a raw request goes: an in-process handler's fetch, or a real server's URL. */
export type Fetcher = (request: Request, authInfo?: AuthInfo) => Promise<Response>;

export const overNetwork: Fetcher = (request) => fetch(request);

/** One hand-built 2026-07-28 tools/call, answered with its result (JSON or the last SSE message). */
export async function rawToolCall(
  target: { url: string; fetch: Fetcher; headers?: Record<string, string> },
  name: string,
  args: Record<string, unknown>,
  round: Round = {},
  authInfo?: AuthInfo,
): Promise<{ result?: ToolCallAnswer; error?: { code: number; message: string } }> {
  const body = {
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: { name, arguments: args, ...round, _meta: modernEnvelope({ forms: true }) },
  };
  const request = new Request(target.url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2026-07-28",
      "mcp-method": "tools/call",
      "mcp-name": name,
      ...target.headers,
    },
    body: JSON.stringify(body),
  });
  const text = await (await target.fetch(request, authInfo)).text();
  const json = text.trimStart().startsWith("{")
    ? text
    : (text
        .split("\n")
        .filter((line) => line.startsWith("data:"))
        .at(-1)
        ?.slice(5) ?? "{}");
  return JSON.parse(json) as { result?: ToolCallAnswer; error?: { code: number; message: string } };
}
