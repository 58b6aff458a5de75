import type { StandardSchemaWithJSON } from "@modelcontextprotocol/server";
import type { z } from "zod";

type JsonSchema = Record<string, unknown>;
type Arguments = Record<string, unknown>;

/**
 * A tool's zod schema as the SDK takes it (Standard Schema): values are validated by zod, and the
 * schema describes itself with the JSON Schema this server lists (tools/tool-listing.ts), made once
 * per process. The SDK converts the called tool's schemas on each server instance, and there is
 * one instance per HTTP request: this way no request pays for a conversion, and what a call is
 * checked against is exactly what tools/list advertised.
 */
export function withListedJsonSchema(
  schema: z.ZodObject,
  json: JsonSchema,
): StandardSchemaWithJSON<Arguments, Arguments> {
  const standard = schema["~standard"];
  return {
    "~standard": {
      version: 1,
      vendor: "contabo-users-mcp",
      validate: (value) => standard.validate(value),
      jsonSchema: { input: () => json, output: () => json },
    },
  };
}
