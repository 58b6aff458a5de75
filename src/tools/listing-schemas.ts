import type { Tool } from "@modelcontextprotocol/server";
import { z } from "zod";
import { confirmableOutput, confirmationInputShape } from "../safety/confirmation.js";
import type { ToolDefinition, ToolImplementation } from "./define-tool.js";
import { MAX_PAGE } from "./fields.js";

/**
 * The listing made from the implementations' zod schemas (tools/tool-listing.ts serves it): what
 * the build does for the bundle, and a start does when the bundle's listing does not apply. Also
 * the schemas a call is checked with, which are exactly those listed.
 */

type JsonSchema = Record<string, unknown>;

/** Formats that say all their regex would: uuid, email, date. */
const FORMATS_WITH_PATTERNS = new Set(["uuid", "email", "date", "date-time"]);
const SAFE_INTEGER_BOUNDS = new Set([Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]);

/**
 * Each tool's entry of `tools/list`: the JSON Schemas are generated from the zod schemas and then
 * trimmed of what tells a model nothing: `$schema` on each, regexes that repeat a `format` (uuid,
 * email), bounds that are just the safe-integer range or guards against absurd input, and, in
 * output schemas, `additionalProperties` and `required`.
 */
export function listedTool(
  tool: ToolDefinition,
  implementation: ToolImplementation,
  withTokens: boolean,
  annotations: Tool["annotations"],
): Tool {
  return {
    name: tool.name,
    title: tool.annotations.title,
    description: tool.description,
    inputSchema: trimmed(
      z.toJSONSchema(inputSchemaOf(implementation, withTokens), { target: "draft-7", io: "input" }),
      "input",
    ) as Tool["inputSchema"],
    outputSchema: withoutCommonFields(
      trimmed(
        z.toJSONSchema(outputSchemaOf(implementation, withTokens), { target: "draft-7", io: "output" }),
        "output",
      ),
    ) as Tool["outputSchema"],
    annotations,
  };
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
 * The fields results share, described once in the server's instructions rather than in each
 * output schema: the Contabo request's id (for support), the warnings about an odd answer, and the
 * message a call answers with when the person declines it. The results still carry them, and the
 * listed output schemas, which do not forbid other properties, still accept them.
 */
const COMMON_RESULT_FIELDS = ["requestId", "warnings", "message"];

function withoutCommonFields(schema: JsonSchema): JsonSchema {
  const properties = schema.properties;
  if (properties === null || typeof properties !== "object") return schema;
  const kept = Object.fromEntries(
    Object.entries(properties).filter(([name]) => !COMMON_RESULT_FIELDS.includes(name)),
  );
  return { ...schema, properties: kept };
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
    // "Not empty" tells a model nothing (it would not send an empty filter or name); the server
    // still refuses an empty string with a clear error.
    if (key === "minLength" && value === 1 && io === "input") continue;
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
