import { z } from "zod";
import { formatPath } from "../contabo-api-schemas/format-path.js";
import { badRequest } from "./http-error.js";

/** The query schema of operations without query parameters. */
export const NO_QUERY = z.object({});

/**
 * Reads query parameters with a spec query schema: each value is converted by the type the schema
 * gives it (`style: form`, `explode: true`: arrays repeat the parameter), then the schema validates
 * the whole. Unknown parameters, repeated scalars and values of the wrong type are 400.
 */
export function parseQuery<S extends z.ZodObject>(params: URLSearchParams, schema: S): z.output<S> {
  const shape: Record<string, z.ZodType> = schema.shape;
  const raw: Record<string, unknown> = {};
  for (const name of new Set(params.keys())) {
    const field = shape[name];
    if (field === undefined) {
      const allowed = Object.keys(shape);
      throw badRequest(
        `query parameter ${name} is not supported here${allowed.length ? ` (supported: ${allowed.join(", ")})` : ""}`,
      );
    }
    const values = params.getAll(name);
    const type = valueType(field);
    if (type === "array") {
      raw[name] = values;
      continue;
    }
    if (values.length > 1) throw badRequest(`query parameter ${name} must be given once`);
    raw[name] = convert(name, values[0] ?? "", type);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw badRequest(
      parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`).join("; "),
    );
  }
  return parsed.data;
}

/** The schema's type under `.optional()`: array, number, boolean or string. */
function valueType(field: z.ZodType): string {
  const def = field.def as { type: string; innerType?: z.ZodType };
  return def.type === "optional" && def.innerType ? valueType(def.innerType) : def.type;
}

function convert(name: string, value: string, type: string): unknown {
  switch (type) {
    case "number":
      if (!/^-?\d{1,15}$/.test(value)) throw badRequest(`${name} must be an integer number`);
      return Number(value);
    case "boolean":
      if (value !== "true" && value !== "false")
        throw badRequest(`${name} must be a boolean value (true or false)`);
      return value === "true";
    default:
      return value;
  }
}
