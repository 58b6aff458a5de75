import type { StandardSchemaWithJSON } from "@modelcontextprotocol/server";
import type { z } from "zod";

type JsonSchema = Record<string, unknown>;
type Arguments = Record<string, unknown>;

/**
 * A tool's schema as the SDK takes it (Standard Schema): it describes itself with the JSON Schema
 * this server lists (tools/tool-listing.ts, made once per process or at build time), and validates
 * with the tool's zod schema, which is built only when the first value comes to be checked (the
 * tool's module is loaded then). The SDK converts the called tool's schemas on each server
 * instance, and there is one instance per HTTP request: this way no request pays for a conversion,
 * no start pays for a zod schema, and what a call is checked against is exactly what tools/list
 * advertised (a test compares the two).
 */
export function withListedJsonSchema(
  json: JsonSchema,
  schema: () => Promise<z.ZodObject>,
): StandardSchemaWithJSON<Arguments, Arguments> {
  // Once built, the schema is kept here: a call validates without waiting for anything.
  let built: z.ZodObject | undefined;
  return {
    "~standard": {
      version: 1,
      vendor: "contabo-users-mcp",
      validate: (value) => {
        if (built) return built["~standard"].validate(value);
        return schema().then((made) => {
          built = made;
          return made["~standard"].validate(value);
        });
      },
      jsonSchema: { input: () => json, output: () => json },
    },
  } as StandardSchemaWithJSON<Arguments, Arguments>;
}
