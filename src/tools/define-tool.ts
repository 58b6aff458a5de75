import type { ToolAnnotations as McpToolAnnotations } from "@modelcontextprotocol/server";
import type { z } from "zod";
import type { UsersApi } from "../client/users-api.js";
import type { ActionKind } from "../safety/approval-policy.js";
import type { Confirmation, Mailing } from "../safety/confirmation-types.js";
import type { Scope } from "../safety/scope-policy.js";
import type { SecretRedactor } from "../shared/secrets.js";

/** What a tool handler gets besides its arguments. */
export interface ToolContext {
  api: UsersApi;
  /** Aborted when the MCP client cancels the call: pass it on to the API call. */
  signal: AbortSignal;
  /** Sends a progress notification when the client asked for them (a progressToken); otherwise does nothing. */
  progress(done: number, total?: number, message?: string): Promise<void>;
  /** How this server is set up, for auth_status. */
  settings: ServerSettings;
  /** Removes every known secret from text that leaves the process (auth_status's problem). */
  redactor: SecretRedactor;
  /** For auth_status: the channel each kind of gated action would use for this client now. */
  confirmChannels(): Record<ActionKind, string>;
}

export interface ServerSettings {
  apiUrl: string;
  sandbox: boolean;
  authMode: string;
  confirmMode: string;
  enabledTools: string[];
  /** Tool name to why it is off (read-only mode, not in --tools). */
  disabledTools: Record<string, string>;
  /** Hosts (and their subdomains) a redirectUrl may lead to (--redirect-hosts). */
  redirectHosts: string[];
}

/** The MCP resources of this server, by name (src/resources/index.ts describes them). */
export type ResourceName = "roles" | "user";

/** The MCP annotations, every one of them required: each tool states each hint on purpose. */
export type ToolAnnotations = Required<
  Pick<McpToolAnnotations, "title" | "readOnlyHint" | "destructiveHint" | "idempotentHint" | "openWorldHint">
>;

/**
 * How one MCP tool works: its zod schemas (what a call is checked against, and what it answers), its
 * confirmation, its e-mails and its handler. Handlers return the structured result or throw;
 * tools/tool-result.ts turns both into MCP results. A tool's module, with its schemas, is loaded on
 * the tool's first use (see ToolDefinition): a start builds none of them.
 */
export interface ToolImplementation<
  I extends z.ZodObject = z.ZodObject,
  O extends z.ZodObject = z.ZodObject,
> {
  /** The same name as its definition's (checked when it is loaded). */
  name: string;
  input: I;
  output: O;
  /**
   * Present when some calls need a human's confirmation first (see src/safety/confirmation.ts). The
   * confirmationToken field is added to the input by the listing (tool-listing.ts), not here.
   */
  confirm?: Confirmation<z.output<I>, ToolContext>;
  /** Present when calls may make Contabo send an e-mail: whom, for the limits; undefined when none goes out. */
  mails?(args: z.output<I>): Mailing | undefined;
  // Method syntax on purpose: a registry of differently typed tools stays assignable to ToolImplementation[].
  run(args: z.output<I>, context: ToolContext): Promise<z.input<O>>;
}

/** Identity helper: it exists so that `run`'s argument and result types are inferred from the zod schemas. */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(
  tool: ToolImplementation<I, O>,
): ToolImplementation<I, O> {
  return tool;
}

/**
 * One MCP tool as it is listed, and where its implementation is: name, description, annotations and
 * whether it may ask first. Nothing here builds a schema; the registry lists every definition, and
 * the snapshot and the README's table read definitions (with the listing made from them) only.
 */
export interface ToolDefinition {
  name: string;
  description: string;
  annotations: ToolAnnotations;
  /** Some calls need a person's yes first: its listed output is confirmable (and, with tokens, its input). */
  confirmable: boolean;
  /** The OAuth scope a call needs (without `reveal`; any reveal needs admin): see safety/scope-policy.ts. */
  scope: Scope;
  /**
   * The arguments that name what a call acts on, for its audit line (safety/audit.ts); none, or
   * none given, means the caller's own API client.
   */
  auditTarget: readonly string[];
  /** The resources (src/resources/) that read what this tool reads: they are served while it is enabled. */
  resources?: readonly ResourceName[];
  /** The implementation: its module is loaded, and its schemas built, on the first call. */
  load(): Promise<ToolImplementation>;
  /** The implementation if it was loaded already (a listing made at run time needs them all: loadTools). */
  loaded(): ToolImplementation | undefined;
}

/** A definition whose implementation is loaded once, on first use, and checked to be the named tool. */
export function lazyTool(
  definition: Omit<ToolDefinition, "load" | "loaded">,
  load: () => Promise<ToolImplementation>,
): ToolDefinition {
  let loading: Promise<ToolImplementation> | undefined;
  let implementation: ToolImplementation | undefined;
  return {
    ...definition,
    load: () => {
      loading ??= load().then((loaded) => {
        if (loaded.name !== definition.name || Boolean(loaded.confirm) !== definition.confirmable) {
          throw new Error(`the implementation of ${definition.name} does not match its definition`);
        }
        implementation = loaded;
        return loaded;
      });
      return loading;
    },
    loaded: () => implementation,
  };
}

/** Loads every tool's implementation: for a listing made at run time (tests, token mode, an unbundled start). */
export async function loadTools(tools: readonly ToolDefinition[]): Promise<void> {
  await Promise.all(tools.map((tool) => tool.load()));
}

/** The annotation sets used by this server, so each tool's hints are a deliberate choice of one. */
export const READ = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: true,
} as const;
export const ADDITIVE_WRITE = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: true,
} as const;
export const DESTRUCTIVE_IDEMPOTENT_WRITE = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: true,
  openWorldHint: true,
} as const;
export const DESTRUCTIVE_WRITE = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: false,
  openWorldHint: true,
} as const;
