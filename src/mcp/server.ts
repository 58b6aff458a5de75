import {
  CLIENT_CAPABILITIES_META_KEY,
  type ClientCapabilities,
  McpServer,
  type ProtocolEra,
  type ServerContext,
  type StandardSchemaWithJSON,
  type Tool,
} from "@modelcontextprotocol/server";
import { z } from "zod";
import type { UsersApi } from "../client/users-api.js";
import { registerPrompts } from "../prompts/index.js";
import { registerResources } from "../resources/index.js";
import { callerIdentity } from "../safety/caller-identity.js";
import type { CallOrigin } from "../safety/confirmation.js";
import { createSafety, type Safety, type SafetyConfig } from "../safety/index.js";
import { DEFAULT_REDIRECT_HOSTS } from "../safety/redirect-url.js";
import { type ToolScopes, toolsVisibleTo } from "../safety/scope-policy.js";
import { type Logger, silentLogger } from "../shared/log.js";
import type { ServerSettings, ToolDefinition } from "../tools/define-tool.js";
import { withListedJsonSchema } from "../tools/listed-schema.js";
import { TOOLS } from "../tools/registry.js";
import { toolListing } from "../tools/tool-listing.js";
import { SERVER_NAME, VERSION } from "../version.js";
import { McpLogLevel } from "./mcp-logging.js";

export interface ServerOptions {
  api: UsersApi;
  logger?: Logger;
  tools?: readonly ToolDefinition[];
  /** What auth_status reports about the upstream: its URL, whether it is the sandbox, how the server logs in. */
  about?: { apiUrl: string; sandbox: boolean; authMode: string };
  /** A ready safety layer (the CLI shares one redactor with the client), or its configuration. */
  safety?: Safety | SafetyConfig;
  /**
   * The protocol era this instance serves (the SDK's entry points say which): 2025-era clients
   * connect with `initialize`, 2026-07-28 clients send each request on its own.
   */
  era?: ProtocolEra;
  /**
   * Who calls when the request carries no bearer identity: "stdio" (the default) for the local
   * client, "http:anonymous" over HTTP without a token. Confirmations are bound to the caller.
   */
  anonymousCaller?: string;
  /** Hosts (and subdomains) a redirectUrl may lead to; default contabo.com. */
  redirectHosts?: readonly string[];
  /**
   * A server for one tools/call of this tool (a stateless HTTP request): only that tool is
   * registered, without resources and prompts. An unknown name gets the whole server, which
   * answers as for any unknown tool.
   */
  calledTool?: string;
}

const NOT_GIVEN = { apiUrl: "(not given)", sandbox: false, authMode: "(not given)" };

/** A tool's schema as registered with the SDK (see tools/listed-schema.ts). */
type ListedSchema = StandardSchemaWithJSON<Record<string, unknown>, Record<string, unknown>>;

/** What a tool that is turned off accepts: anything, since it refuses every call. */
const ANY_OBJECT = z.looseObject({});
const ANY_ARGUMENTS = withListedJsonSchema({ type: "object" }, async () => ANY_OBJECT);

/** How long clients may cache the lists (2026-07-28 cache hints): they change only with a restart. */
const LIST_TTL_MS = 5 * 60_000;

const INSTRUCTIONS =
  "Manage the users of a Contabo account: list, create, update, disable and delete users, send password-reset and verification e-mails, and manage the API client secret and users' S3 object-storage credentials. Find ids with retrieve_user_list and list_object_storage_credentials first; roles can be given by name (retrieve_role_list lists them), retrieve_user_audits shows who changed what, and auth_status says which account and settings are in use. Destructive calls, granting roles and revealing secrets need the user's own confirmation, which the client asks them for in a form; when a tool answers confirmationRequired instead (token mode), show the user its preview and call again with the confirmationToken only if they agree. Secrets are masked unless reveal=true. Every result carries the requestId of the Contabo request (for support), and warnings when the answer held something odd; a call the person declines answers with a message instead of its result.";

/** Builds the MCP server from the tool registry: one registration path for every tool. */
export function createMcpServer({
  api,
  logger = silentLogger,
  tools = TOOLS,
  safety = {},
  about = NOT_GIVEN,
  era = "legacy",
  anonymousCaller = "stdio",
  redirectHosts = DEFAULT_REDIRECT_HOSTS,
  calledTool,
}: ServerOptions): McpServer {
  const layer = "gate" in safety ? safety : createSafety(safety, tools);
  const { settings, registrations, listed, scopes } = prepared(tools, layer, about, redirectHosts);
  const listHint = { ttlMs: LIST_TTL_MS, cacheScope: "private" } as const;
  const server = new McpServer(
    { name: SERVER_NAME, version: VERSION },
    {
      instructions: INSTRUCTIONS,
      // The lists change only with a restart, and users (resources) are not watched: no list_changed.
      capabilities: {
        logging: {},
        tools: { listChanged: false },
        prompts: { listChanged: false },
        resources: { listChanged: false },
      },
      // The lists depend only on how this server was started; users (resources) change any time.
      cacheHints: {
        "server/discover": listHint,
        "tools/list": listHint,
        "prompts/list": listHint,
        "resources/templates/list": listHint,
      },
    },
  );
  const logLevel = new McpLogLevel(era);
  logLevel.install(server);
  const called = registrations.find(({ tool }) => tool.name === calledTool);
  for (const { tool, config } of called ? [called] : registrations) {
    server.registerTool<ListedSchema, ListedSchema>(
      tool.name,
      config,
      async (args: Record<string, unknown>, ctx: ServerContext) => {
        const progressToken = ctx.mcpReq._meta?.progressToken;
        const progress = async (done: number, total?: number, message?: string) => {
          if (progressToken === undefined) return;
          await ctx.mcpReq.notify({
            method: "notifications/progress",
            params: {
              progressToken,
              progress: done,
              ...(total === undefined ? {} : { total }),
              ...(message ? { message } : {}),
            },
          });
        };
        const log = logLevel.forRequest(ctx, logger, layer.redactor);
        const origin = callOrigin(server, era, ctx, anonymousCaller, progress);
        const context = {
          api,
          signal: ctx.mcpReq.signal,
          progress,
          settings,
          redactor: layer.redactor,
          confirmChannels: () => layer.gate.channels(origin),
        };
        // The implementation (its module, its schemas) is loaded on the tool's first call.
        const implementation = await tool.load();
        const guarded = { ...implementation, annotations: tool.annotations, auditTarget: tool.auditTarget };
        const { guardedCall, present } = await callPath(layer);
        return guardedCall(guarded, args, context, origin, layer, present, log);
      },
    );
  }
  if (!called) {
    registerResources(server, api, layer.selection.enabled, layer.redactor);
    registerPrompts(server, layer.redactor);
  }
  // The SDK would convert every schema on every tools/list; this listing is made once, and trimmed.
  // An OAuth caller sees only the tools its scopes allow (safety/scope-policy.ts); others see all.
  server.server.setRequestHandler("tools/list", (_request, ctx) => {
    const visible = toolsVisibleTo(scopes, ctx.http?.authInfo);
    return { tools: visible ? listed.filter((tool) => visible.has(tool.name)) : listed };
  });
  return server;
}

interface ToolConfig {
  title?: string;
  description: string;
  inputSchema: ListedSchema;
  outputSchema?: ListedSchema;
  annotations?: Tool["annotations"];
}

interface Prepared {
  tools: readonly ToolDefinition[];
  redirectHosts: readonly string[];
  about: NonNullable<ServerOptions["about"]>;
  settings: ServerSettings;
  /** Each tool with its registration, in registry order. */
  registrations: Array<{ tool: ToolDefinition; config: ToolConfig }>;
  /** Each tool's OAuth scope, from its definition. */
  scopes: ToolScopes;
  /** The tools/list result: the enabled tools, in registry order. */
  listed: ReturnType<typeof toolListing>;
}

const preparedFor = new WeakMap<Safety, Prepared>();

/** The zod schemas a call is checked with (exactly those listed), loaded with the first call. */
const listingSchemas = () => import("../tools/listing-schemas.js");

type CallPath = {
  guardedCall: typeof import("../safety/guarded-call.js").guardedCall;
  present: import("../safety/guarded-call.js").CallPresenter;
};
const callPathFor = new WeakMap<Safety, Promise<CallPath>>();

/**
 * The call path (the guarded call, the result presenter, the client's errors), loaded with the
 * first tools/call: a client that only lists tools does not pay for it.
 */
function callPath(layer: Safety): Promise<CallPath> {
  let known = callPathFor.get(layer);
  if (!known) {
    known = Promise.all([import("../safety/guarded-call.js"), import("../tools/call-presenter.js")]).then(
      ([{ guardedCall }, { callPresenter }]) => ({ guardedCall, present: callPresenter(layer.redactor) }),
    );
    callPathFor.set(layer, known);
  }
  return known;
}

/**
 * What every server instance of this process registers, made once: over HTTP there is an instance
 * per request. The SDK gets each tool's zod schema with the listed JSON Schema attached
 * (tools/listed-schema.ts), so it converts nothing per request either.
 */
function prepared(
  tools: readonly ToolDefinition[],
  layer: Safety,
  about: NonNullable<ServerOptions["about"]>,
  redirectHosts: readonly string[],
): Prepared {
  const known = preparedFor.get(layer);
  if (known && known.tools === tools && known.about === about && known.redirectHosts === redirectHosts) {
    return known;
  }
  const withTokens = layer.gate.mode === "token";
  const listing = toolListing(tools, { withTokens });
  const registrations = tools.map((tool, index) => {
    // A tool turned off (--read-only, --tools) is not listed, and a call to it is refused, and
    // audited, by the safety layer, before its arguments are read.
    if (!layer.selection.enabled.has(tool.name)) {
      return { tool, config: { description: tool.description, inputSchema: ANY_ARGUMENTS } };
    }
    const listed = listing[index];
    // An enabled tool must be checked against the schemas it lists: never register it without them.
    if (listed?.name !== tool.name || !listed.outputSchema) {
      throw new Error(`the tool listing has no schemas for ${tool.name}`);
    }
    const config: ToolConfig = {
      title: tool.annotations.title,
      description: tool.description,
      inputSchema: withListedJsonSchema(listed.inputSchema, async () =>
        (await listingSchemas()).inputSchemaOf(await tool.load(), withTokens),
      ),
      outputSchema: withListedJsonSchema(listed.outputSchema, async () =>
        (await listingSchemas()).outputSchemaOf(await tool.load(), withTokens),
      ),
      annotations: listed.annotations,
    };
    return { tool, config };
  });
  const made: Prepared = {
    tools,
    about,
    redirectHosts,
    registrations,
    scopes: new Map(tools.map((tool) => [tool.name, tool.scope])),
    listed: listing.filter((tool) => layer.selection.enabled.has(tool.name)),
    settings: {
      ...about,
      confirmMode: layer.gate.mode,
      enabledTools: tools.filter((tool) => layer.selection.enabled.has(tool.name)).map((tool) => tool.name),
      disabledTools: Object.fromEntries(layer.selection.disabled),
      redirectHosts: [...redirectHosts],
    },
  };
  preparedFor.set(layer, made);
  return made;
}

/**
 * Where a call comes from: the caller (bound into confirmations), and what a person can be shown
 * through the client. A 2026-07-28 request says so in its own capabilities; a 2025-era connection
 * said so at `initialize`, which a stateless HTTP request never carries: nobody can be asked there
 * through the client.
 */
function callOrigin(
  server: McpServer,
  era: ProtocolEra,
  ctx: ServerContext,
  anonymousCaller: string,
  progress: CallOrigin["progress"],
): CallOrigin {
  const auth = ctx.http?.authInfo;
  const caller = callerIdentity(auth, anonymousCaller);
  let client: CallOrigin["client"];
  if (era === "modern") {
    // The SDK hides the envelope's keys from its types; the capabilities are read as the untrusted value they are.
    const envelope: Record<string, unknown> | undefined = ctx.mcpReq.envelope;
    client = elicitationIn(envelope?.[CLIENT_CAPABILITIES_META_KEY] as ClientCapabilities | undefined);
  } else {
    const declared = server.server.getClientCapabilities();
    client =
      declared === undefined
        ? {
            form: false,
            url: false,
            unreachable:
              "this 2025-era client is served over stateless HTTP, where the server cannot put a question to it",
          }
        : elicitationIn(declared);
  }
  const subject = typeof auth?.extra?.subject === "string" ? auth.extra.subject : auth?.clientId;
  return {
    caller,
    ...(subject === undefined ? {} : { subject }),
    client,
    requestState: ctx.mcpReq.requestState(),
    inputResponses: ctx.mcpReq.inputResponses,
    progress,
    signal: ctx.mcpReq.signal,
  };
}

/** A bare `elicitation: {}` is form support in the revisions before modes existed. */
function elicitationIn(capabilities: ClientCapabilities | undefined): CallOrigin["client"] {
  const elicitation = capabilities?.elicitation;
  if (elicitation === undefined) return { form: false, url: false };
  return {
    form: elicitation.form !== undefined || elicitation.url === undefined,
    url: elicitation.url !== undefined,
  };
}
