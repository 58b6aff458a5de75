import type { AuthInfo } from "@modelcontextprotocol/server";

/**
 * Which OAuth scope each MCP request needs, in one place: the HTTP layer enforces it on every
 * request (403 insufficient_scope), and the server can prune tools/list with `toolsAllowed`.
 *
 * Each call needs exactly one scope; no scope implies another, so a token for everything carries
 * all three. A tool missing from the table needs `admin` (a new tool is closed until classified).
 */

export const READ_SCOPE = "contabo-users:read";
export const WRITE_SCOPE = "contabo-users:write";
export const ADMIN_SCOPE = "contabo-users:admin";

export const SCOPES = [READ_SCOPE, WRITE_SCOPE, ADMIN_SCOPE] as const;
export type Scope = (typeof SCOPES)[number];

/** The scope of each tool called without `reveal`. */
export const TOOL_SCOPES: Readonly<Record<string, Scope>> = {
  retrieve_user_list: READ_SCOPE,
  retrieve_user: READ_SCOPE,
  retrieve_user_is_password_set: READ_SCOPE,
  retrieve_user_client: READ_SCOPE,
  list_object_storage_credentials: READ_SCOPE,
  get_object_storage_credentials: READ_SCOPE,
  retrieve_role_list: READ_SCOPE,
  retrieve_role: READ_SCOPE,
  retrieve_user_audits: READ_SCOPE,
  auth_status: READ_SCOPE,
  create_user: WRITE_SCOPE,
  update_user: WRITE_SCOPE,
  reset_password: WRITE_SCOPE,
  resend_email_verification: WRITE_SCOPE,
  delete_user: ADMIN_SCOPE,
  generate_client_secret: ADMIN_SCOPE,
  regenerate_object_storage_credentials: ADMIN_SCOPE,
};

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
export function scopeForToolCall(tool: string, args: unknown): Scope {
  const reveal = isRecord(args) ? args.reveal : undefined;
  if (reveal !== undefined && reveal !== false) return ADMIN_SCOPE;
  return Object.hasOwn(TOOL_SCOPES, tool) ? (TOOL_SCOPES[tool] ?? ADMIN_SCOPE) : ADMIN_SCOPE;
}

/**
 * The scope one JSON-RPC message needs, or undefined when any valid token may send it
 * (initialize, ping, server/discover, tools/list, notifications, responses).
 */
export function scopeForMessage(message: unknown): Scope | undefined {
  if (!isRecord(message) || typeof message.method !== "string") return undefined;
  if (message.method === "tools/call") {
    const params = isRecord(message.params) ? message.params : {};
    return scopeForToolCall(typeof params.name === "string" ? params.name : "", params.arguments);
  }
  return READ_METHODS.has(message.method) ? READ_SCOPE : undefined;
}

/** The first scope a request body (one message or a batch) needs that `granted` lacks. */
export function missingScope(body: unknown, granted: readonly string[]): Scope | undefined {
  for (const message of Array.isArray(body) ? body : [body]) {
    const needed = scopeForMessage(message);
    if (needed !== undefined && !granted.includes(needed)) return needed;
  }
  return undefined;
}

/**
 * The tools a caller with these scopes may call (without `reveal`): what tools/list should show
 * them. Intersect it with the tools the server offers at all.
 */
export function toolsAllowed(granted: readonly string[]): Set<string> {
  return new Set(
    Object.entries(TOOL_SCOPES)
      .filter(([, scope]) => granted.includes(scope))
      .map(([tool]) => tool),
  );
}

/**
 * What tools/list should show the caller of one request (`ctx.http?.authInfo`): undefined, meaning
 * every enabled tool, unless they came with an OAuth access token (its AuthInfo names the issuer in
 * `extra.issuer`); then the tools their scopes allow. Stdio and MCP_HTTP_TOKEN callers carry no scopes.
 */
export function toolsVisibleTo(caller: AuthInfo | undefined): Set<string> | undefined {
  return typeof caller?.extra?.issuer === "string" ? toolsAllowed(caller.scopes) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
