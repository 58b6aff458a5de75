import type { Tool } from "@modelcontextprotocol/server";
import { z } from "zod";
import { confirmableOutput, confirmationInputShape } from "../safety/confirmation.js";
import { loadTools, type ToolDefinition, type ToolImplementation } from "./define-tool.js";
import { MAX_PAGE } from "./fields.js";

type JsonSchema = Record<string, unknown>;

/** Formats that say all their regex would: uuid, email, date. */
const FORMATS_WITH_PATTERNS = new Set(["uuid", "email", "date", "date-time"]);
const SAFE_INTEGER_BOUNDS = new Set([Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]);

/**
 * The `tools/list` result, made once per set of tools: every token of it is paid in every
 * conversation, so the JSON Schemas are generated from the zod schemas and then trimmed of what
 * tells a model nothing: `$schema` on each, regexes that repeat a `format` (uuid, email), bounds
 * that are just the safe-integer range or guards against absurd input, and, in output schemas,
 * `additionalProperties` and `required`.
 */
export function toolListing(tools: readonly ToolDefinition[], { withTokens = false } = {}): Tool[] {
  const cache = withTokens ? tokenListings : listings;
  const cached = cache.get(tools) ?? (withTokens ? undefined : precomputedFor(tools));
  if (cached) return cached;
  const listing = tools.map((tool) => {
    const implementation = implementationOf(tool);
    return {
      name: tool.name,
      title: tool.annotations.title,
      description: tool.description,
      inputSchema: trimmed(
        z.toJSONSchema(inputSchemaOf(implementation, withTokens), { target: "draft-7", io: "input" }),
        "input",
      ) as Tool["inputSchema"],
      outputSchema: trimmed(
        z.toJSONSchema(outputSchemaOf(implementation, withTokens), { target: "draft-7", io: "output" }),
        "output",
      ) as Tool["outputSchema"],
      annotations: listedAnnotations(tool),
    };
  });
  cache.set(tools, listing);
  return listing;
}

/**
 * Makes `toolListing` answer at once: nothing to do when the bundle carries the listing; otherwise
 * (tests, an unbundled start, --confirm token) every implementation is loaded first.
 */
export async function prepareToolListing(
  tools: readonly ToolDefinition[],
  { withTokens = false } = {},
): Promise<void> {
  if (!withTokens && precomputedFor(tools)) return;
  await loadTools(tools);
}

function implementationOf(tool: ToolDefinition): ToolImplementation {
  const implementation = tool.loaded();
  if (!implementation) {
    throw new Error(
      `the listing of ${tool.name} is made from its implementation: await prepareToolListing first`,
    );
  }
  return implementation;
}

/**
 * The schema a tool accepts: with the confirmationToken field when it may ask first and this server
 * confirms with tokens (--confirm token). In the other modes the field would only cost context.
 */
export function inputSchemaOf(tool: ToolImplementation, withTokens: boolean): z.ZodObject {
  if (!tool.confirm || !withTokens) return tool.input;
  let schema = confirmableInputs.get(tool);
  if (!schema) {
    // safeExtend keeps the tool's own refinements (update_user's "at least one change").
    schema = tool.input.safeExtend(confirmationInputShape);
    confirmableInputs.set(tool, schema);
  }
  return schema;
}

const confirmableInputs = new WeakMap<ToolImplementation, z.ZodObject>();

/**
 * The schema a tool publishes for its results: when it may ask first, its fields become optional
 * beside what a declined confirmation answers, and, with tokens, the token mode's fields.
 */
export function outputSchemaOf(tool: ToolImplementation, withTokens: boolean): z.ZodObject {
  if (!tool.confirm) return tool.output;
  const cache = withTokens ? tokenOutputs : confirmableOutputs;
  let schema = cache.get(tool);
  if (!schema) {
    schema = confirmableOutput(tool.output, { withTokens });
    cache.set(tool, schema);
  }
  return schema;
}

const confirmableOutputs = new WeakMap<ToolImplementation, z.ZodObject>();
const tokenOutputs = new WeakMap<ToolImplementation, z.ZodObject>();

/**
 * The annotations as listed, without what says nothing: the title is listed once, at the top level;
 * a read-only tool states only that, since the spec gives destructiveHint and idempotentHint a
 * meaning only when readOnlyHint is false; openWorldHint is left out when true, its default (every
 * tool here reaches Contabo).
 */
export function listedAnnotations({ annotations }: ToolDefinition): Tool["annotations"] {
  const { title: _, openWorldHint, ...hints } = annotations;
  const open = openWorldHint ? {} : { openWorldHint };
  if (hints.readOnlyHint) return { readOnlyHint: true, ...open };
  return { ...hints, ...open };
}

const listings = new WeakMap<readonly ToolDefinition[], Tool[]>();
const tokenListings = new WeakMap<readonly ToolDefinition[], Tool[]>();

/**
 * The shipped bundle carries the listing made at build time (scripts/bundle.mjs defines
 * __TOOL_LISTING_JSON__), so that a cold start does not generate a JSON Schema per input and output. It is used only
 * for exactly the tools it was made from, without tokens; a test compares it with the listing made at run time.
 */
declare const __TOOL_LISTING_JSON__: string | undefined;

function precomputedFor(tools: readonly ToolDefinition[]): Tool[] | undefined {
  if (typeof __TOOL_LISTING_JSON__ !== "string") return undefined;
  const listing = JSON.parse(__TOOL_LISTING_JSON__) as Tool[];
  const same =
    listing.length === tools.length && listing.every((tool, index) => tool.name === tools[index]?.name);
  if (!same) return undefined;
  listings.set(tools, listing);
  return listing;
}

function trimmed(schema: JsonSchema, io: "input" | "output"): JsonSchema {
  const { $schema: _, ...rest } = schema;
  return trimNode(rest, io) as JsonSchema;
}

function trimNode(node: unknown, io: "input" | "output"): unknown {
  if (Array.isArray(node)) return node.map((item) => trimNode(item, io));
  if (node === null || typeof node !== "object") return node;
  const schema = node as JsonSchema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "pattern" && typeof schema.format === "string" && FORMATS_WITH_PATTERNS.has(schema.format))
      continue;
    if (
      (key === "maximum" || key === "minimum") &&
      typeof value === "number" &&
      SAFE_INTEGER_BOUNDS.has(value)
    )
      continue;
    // Length caps and the page ceiling guard the server against absurd input; they tell a model
    // nothing, and the server still enforces them with a clear error.
    if ((key === "maxLength" || key === "maxItems") && io === "input") continue;
    if (key === "maximum" && value === MAX_PAGE) continue;
    if (key === "propertyNames" && isStringType(value)) continue;
    if (key === "additionalProperties" && isEmptyObject(value)) continue;
    // An output's additionalProperties (false, or a record's value type) tells a model nothing the
    // result itself does not show.
    if (key === "additionalProperties" && io === "output") continue;
    // A result shows its constant (ok: true) itself.
    if (key === "const" && io === "output") continue;
    // A result lists every field it has; "required" in an output schema would only repeat them.
    if (key === "required" && io === "output") continue;
    out[key] = trimNode(value, io);
  }
  return out;
}

function isStringType(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as JsonSchema).type === "string" &&
    Object.keys(value).length === 1
  );
}

function isEmptyObject(value: unknown): boolean {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 0
  );
}
