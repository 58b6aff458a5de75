import {
  type CallToolResult,
  McpServer,
  type ProtocolEra,
  type ServerContext,
  type StandardSchemaWithJSON,
} from "@modelcontextprotocol/server";
import { z } from "zod";
import { ContaboError, ContaboNetworkError } from "./client/errors.js";
import type { UsersApi } from "./client/users-api.js";
import { type Logger, silentLogger } from "./log.js";
import { McpLogLevel } from "./mcp-logging.js";
import { registerPrompts } from "./prompts/index.js";
import { registerResources } from "./resources/index.js";
import { auditTarget } from "./safety/audit.js";
import type { Decision, ElicitationChannel } from "./safety/confirmation.js";
import { createSafety, type Safety, type SafetyConfig } from "./safety/index.js";
import type { ServerSettings, ToolContext, ToolDefinition } from "./tools/define-tool.js";
import { withListedJsonSchema } from "./tools/listed-schema.js";
import { TOOLS } from "./tools/registry.js";
import { outputSchemaOf, toolListing } from "./tools/tool-listing.js";
import { toolError, toolRefusal, toolSuccess } from "./tools/tool-result.js";
import { SERVER_NAME, VERSION } from "./version.js";

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
}

const NOT_GIVEN = { apiUrl: "(not given)", sandbox: false, authMode: "(not given)" };

/** A tool's schema as registered with the SDK (see tools/listed-schema.ts). */
type ListedSchema = StandardSchemaWithJSON<Record<string, unknown>, Record<string, unknown>>;

/** What a tool that is turned off accepts: anything, since it refuses every call. */
const ANY_ARGUMENTS = withListedJsonSchema(z.looseObject({}), { type: "object" });

/** How long clients may cache the lists (2026-07-28 cache hints): they change only with a restart. */
const LIST_TTL_MS = 5 * 60_000;

const INSTRUCTIONS =
  "Manage the users of a Contabo account: list, create, update, disable and delete users, send password-reset and verification e-mails, and manage the API client secret and users' S3 object-storage credentials. Find ids with retrieve_user_list and list_object_storage_credentials first; roles can be given by name (retrieve_role_list lists them), retrieve_user_audits shows who changed what, and auth_status says which account and settings are in use. Destructive calls and revealing secrets need the user's confirmation: when a tool answers confirmationRequired, show the user its preview and call again with the confirmationToken only if they agree. Secrets are masked unless reveal=true. Every result carries the requestId of the Contabo request, for support.";

/** Builds the MCP server from the tool registry: one registration path for every tool. */
export function createMcpServer({
  api,
  logger = silentLogger,
  tools = TOOLS,
  safety = {},
  about = NOT_GIVEN,
  era = "legacy",
}: ServerOptions): McpServer {
  const layer = "gate" in safety ? safety : createSafety(safety, tools);
  const { settings, registrations, listed } = prepared(tools, layer, about);
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
  for (const { tool, config } of registrations) {
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
        const context = { api, signal: ctx.mcpReq.signal, progress, settings };
        return callTool(tool, args, context, elicitationChannel(server, era, ctx), layer, log);
      },
    );
  }
  registerResources(server, api, layer.selection.enabled);
  registerPrompts(server);
  // The SDK would convert every schema on every tools/list; this listing is made once, and trimmed.
  server.server.setRequestHandler("tools/list", () => ({ tools: listed }));
  return server;
}

interface ToolConfig {
  title?: string;
  description: string;
  inputSchema: ListedSchema;
  outputSchema?: ListedSchema;
  annotations?: ToolDefinition["annotations"];
}

interface Prepared {
  tools: readonly ToolDefinition[];
  about: NonNullable<ServerOptions["about"]>;
  settings: ServerSettings;
  /** Each tool with its registration, in registry order. */
  registrations: Array<{ tool: ToolDefinition; config: ToolConfig }>;
  /** The tools/list result: the enabled tools, in registry order. */
  listed: ReturnType<typeof toolListing>;
}

const preparedFor = new WeakMap<Safety, Prepared>();

/**
 * What every server instance of this process registers, made once: over HTTP there is an instance
 * per request. The SDK gets each tool's zod schema with the listed JSON Schema attached
 * (tools/listed-schema.ts), so it converts nothing per request either.
 */
function prepared(
  tools: readonly ToolDefinition[],
  layer: Safety,
  about: NonNullable<ServerOptions["about"]>,
): Prepared {
  const known = preparedFor.get(layer);
  if (known && known.tools === tools && known.about === about) return known;
  const listing = toolListing(tools);
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
      inputSchema: withListedJsonSchema(tool.input, listed.inputSchema),
      outputSchema: withListedJsonSchema(outputSchemaOf(tool), listed.outputSchema),
      annotations: tool.annotations,
    };
    return { tool, config };
  });
  const made: Prepared = {
    tools,
    about,
    registrations,
    listed: listing.filter((tool) => layer.selection.enabled.has(tool.name)),
    settings: {
      ...about,
      confirmMode: layer.gate.mode,
      enabledTools: tools.filter((tool) => layer.selection.enabled.has(tool.name)).map((tool) => tool.name),
      disabledTools: Object.fromEntries(layer.selection.disabled),
    },
  };
  preparedFor.set(layer, made);
  return made;
}

/**
 * Elicitation as 2025-era clients offer it: a request to the client in the middle of the call.
 * A 2026-07-28 request has no such channel (its multi-round-trip answers come with issue 10), so
 * there the confirmation falls back as for a client without elicitation.
 */
function elicitationChannel(server: McpServer, era: ProtocolEra, ctx: ServerContext): ElicitationChannel {
  const declared = era === "legacy" ? server.server.getClientCapabilities()?.elicitation : undefined;
  return {
    // A bare `elicitation: {}` is form support in the revisions before modes existed.
    supported: declared !== undefined && (declared.form !== undefined || declared.url === undefined),
    ask: (message, requestedSchema) =>
      ctx.mcpReq.elicitInput({ mode: "form", message, requestedSchema }, { signal: ctx.mcpReq.signal }),
  };
}

/** One tool call through the safety layer: e-mail limit, confirmation, then the tool; audited and logged. */
async function callTool(
  tool: ToolDefinition,
  args: Record<string, unknown>,
  context: ToolContext,
  channel: ElicitationChannel,
  safety: Safety,
  logger: Logger,
): Promise<CallToolResult> {
  const started = performance.now();
  const off = safety.selection.disabled.get(tool.name);
  // A tool turned off is never run, whatever its arguments (they were not even validated).
  const confirm = !off && tool.confirm?.when(args) ? tool.confirm : undefined;
  let decision: Decision = off ? "refused" : confirm ? "preview-failed" : "not-required";
  const finish = (
    outcome: "ok" | "error" | "not-run",
    result: CallToolResult,
    requestId?: string,
    error?: unknown,
  ) => {
    const cancelled = outcome === "error" && context.signal.aborted;
    const audited = !tool.annotations.readOnlyHint || confirm !== undefined;
    // Failures warn; writes and confirmations are worth a line; a plain read is a debug detail.
    const level = outcome === "error" && !cancelled ? "warn" : audited || cancelled ? "info" : "debug";
    logger[level]("tool call", {
      tool: tool.name,
      outcome: cancelled ? "cancelled" : outcome,
      decision,
      ms: Math.round(performance.now() - started),
      error: error instanceof Error ? error.name : undefined,
      requestId,
    });
    if (audited) {
      safety.audit.record({
        tool: tool.name,
        target: auditTarget(args),
        arguments: args,
        decision,
        outcome,
        requestId,
        error: result.isError && result.content[0]?.type === "text" ? result.content[0].text : undefined,
      });
    }
    return result;
  };

  if (off) {
    return finish(
      "not-run",
      toolRefusal(tool.name, `this tool is turned off on this server: ${off}. Nothing was sent to Contabo.`),
    );
  }
  const recipient = tool.emailRecipient?.(args);
  const slot = recipient === undefined ? undefined : safety.emailLimiter.acquire(recipient);
  if (slot && !slot.ok) {
    return finish(
      "not-run",
      toolRefusal(
        tool.name,
        `this user was e-mailed too recently (at most ${safety.emailLimiter.perMinute} e-mail(s) per user per minute). Nothing was sent; try again in ${slot.retryInSeconds} s.`,
      ),
    );
  }
  try {
    const gate = confirm
      ? await safety.gate.check(tool.name, confirm, args, context, channel)
      : ({ proceed: true, decision: "not-required" } as const);
    decision = gate.decision;
    if (!gate.proceed) {
      slot?.release();
      return finish(
        "not-run",
        "error" in gate ? toolRefusal(tool.name, gate.error) : toolSuccess(gate.structured),
      );
    }
    const output = await tool.run(args, context);
    const requestId = typeof output.requestId === "string" ? output.requestId : undefined;
    return finish("ok", toolSuccess(output), requestId);
  } catch (error) {
    // An e-mail may have gone out when the request was sent but its answer lost: keep the slot then.
    if (!(error instanceof ContaboNetworkError)) slot?.release();
    const requestId = error instanceof ContaboError ? error.requestId : undefined;
    return finish("error", toolError(tool.name, error, safety.redactor), requestId, error);
  }
}
