import type { AuthInfo } from "@modelcontextprotocol/server";

/**
 * Which OAuth scope each MCP request needs, in one place: the HTTP layer enforces it on every
 * request (403 insufficient_scope), and the server prunes tools/list with `toolsVisibleTo`. Each
 * tool's own scope is on its definition (tools/registry.ts); the rules are here.
 *
 * Each call needs exactly one scope; no scope implies another, so a token for everything carries
 * all three. A tool missing from the table needs `admin`.
 */

export const READ_SCOPE = "contabo-users:read";
export const WRITE_SCOPE = "contabo-users:write";
export const ADMIN_SCOPE = "contabo-users:admin";

export const SCOPES = [READ_SCOPE, WRITE_SCOPE, ADMIN_SCOPE] as const;
export type Scope = (typeof SCOPES)[number];

/** The scope each tool needs when called without `reveal`: made from the tools' definitions (tools/registry.ts). */
export type ToolScopes = ReadonlyMap<string, Scope>;

/** MCP methods other than tools/call that read account data or serve prompts: they need `read`. */
const READ_METHODS = new Set([
  "resources/list",
  "resources/templates/list",
  "resources/read",
  "prompts/list",
  "prompts/get",
  "completion/complete",
]);

/** The scope a call of `tool` with these arguments needs: `admin` for any `reveal` other than false. */
export function scopeForToolCall(scopes: ToolScopes, tool: string, args: unknown): Scope {
  const reveal = isRecord(args) ? args.reveal : undefined;
  if (reveal !== undefined && reveal !== false) return ADMIN_SCOPE;
  return scopes.get(tool) ?? ADMIN_SCOPE;
}

/**
 * The scope one JSON-RPC message needs, or undefined when any valid token may send it
 * (initialize, ping, server/discover, tools/list, notifications, responses).
 */
export function scopeForMessage(scopes: ToolScopes, message: unknown): Scope | undefined {
  if (!isRecord(message) || typeof message.method !== "string") return undefined;
  if (message.method === "tools/call") {
    const params = isRecord(message.params) ? message.params : {};
    return scopeForToolCall(scopes, typeof params.name === "string" ? params.name : "", params.arguments);
  }
  return READ_METHODS.has(message.method) ? READ_SCOPE : undefined;
}

/** The first scope a request body (one message or a batch) needs that `granted` lacks. */
export function missingScope(
  scopes: ToolScopes,
  body: unknown,
  granted: readonly string[],
): Scope | undefined {
  for (const message of Array.isArray(body) ? body : [body]) {
    const needed = scopeForMessage(scopes, message);
    if (needed !== undefined && !granted.includes(needed)) return needed;
  }
  return undefined;
}

/**
 * The tools a caller with these scopes may call (without `reveal`): what tools/list should show
 * them. Intersect it with the tools the server offers at all.
 */
export function toolsAllowed(scopes: ToolScopes, granted: readonly string[]): Set<string> {
  return new Set([...scopes].filter(([, scope]) => granted.includes(scope)).map(([tool]) => tool));
}

/**
 * What tools/list should show the caller of one request (`ctx.http?.authInfo`): undefined, meaning
 * every enabled tool, unless they came with an OAuth access token (its AuthInfo names the issuer in
 * `extra.issuer`); then the tools their scopes allow. Stdio and MCP_HTTP_TOKEN callers carry no scopes.
 */
export function toolsVisibleTo(scopes: ToolScopes, caller: AuthInfo | undefined): Set<string> | undefined {
  return typeof caller?.extra?.issuer === "string" ? toolsAllowed(scopes, caller.scopes) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
