import type { ToolAnnotations as McpToolAnnotations } from "@modelcontextprotocol/server";
import type { z } from "zod";
import type { UsersApi } from "../client/users-api.js";

/** What a tool handler gets besides its arguments. */
export interface ToolContext {
  api: UsersApi;
  /** Aborted when the MCP client cancels the call: pass it on to the API call. */
  signal: AbortSignal;
  /** Sends a progress notification when the client asked for them (a progressToken); otherwise does nothing. */
  progress(done: number, total?: number, message?: string): Promise<void>;
  /** How this server is set up, for auth_status. */
  settings: ServerSettings;
}

export interface ServerSettings {
  apiUrl: string;
  sandbox: boolean;
  authMode: string;
  confirmMode: string;
  enabledTools: string[];
  /** Tool name to why it is off (read-only mode, not in --tools). */
  disabledTools: Record<string, string>;
}

/** The MCP annotations, every one of them required: each tool states each hint on purpose. */
export type ToolAnnotations = Required<
  Pick<McpToolAnnotations, "title" | "readOnlyHint" | "destructiveHint" | "idempotentHint" | "openWorldHint">
>;

/**
 * One MCP tool: its public definition (name, description, schemas, annotations) and its handler.
 * Handlers return the structured result or throw; tools/tool-result.ts turns both into MCP results.
 */
export interface ToolDefinition<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  name: string;
  description: string;
  input: I;
  output: O;
  annotations: ToolAnnotations;
  /** Present when some calls need a human's confirmation first (see src/safety/confirmation.ts). */
  confirm?: Confirmation<z.output<I>>;
  /** Present when calls may e-mail a user: the userId they are rate-limited by, or undefined when no e-mail goes out. */
  emailRecipient?(args: z.output<I>): string | undefined;
  // Method syntax on purpose: a registry of differently typed tools stays assignable to ToolDefinition[].
  run(args: z.output<I>, context: ToolContext): Promise<z.input<O>>;
}

/** What a confirmation shows the human: the effect, on live data, and a fingerprint of that data. */
export interface Preview {
  /** One sentence: what the call will do to which target. */
  action: string;
  /** Live details of the target as a human reads them; secrets only masked. */
  target: Record<string, string | number | boolean | string[]>;
  /** Fingerprint of the target's current state: a confirmation is valid only while it is unchanged. */
  fingerprint: string;
  /** For elicitation: a value the human must type to proceed (delete_user: the user's e-mail). */
  typeToConfirm?: { label: string; value: string };
}

export interface Confirmation<A> {
  /** Whether this call needs confirmation (update_user: only when it disables the user or changes roles). */
  when(args: A): boolean;
  /** Loads the target's live state and describes the effect. */
  preview(args: A, context: ToolContext): Promise<Preview>;
}

/** Identity helper: it exists so that `run`'s argument and result types are inferred from the zod schemas. */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(
  tool: ToolDefinition<I, O>,
): ToolDefinition<I, O> {
  return tool;
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
