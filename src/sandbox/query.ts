import { badRequest } from "./http-error.js";

export type QueryParamType = "integer" | "boolean" | "string" | "string[]";
export type QuerySpec = Record<string, QueryParamType>;

type ParsedValue<T extends QueryParamType> = T extends "integer"
  ? number
  : T extends "boolean"
    ? boolean
    : T extends "string[]"
      ? string[]
      : string;
export type ParsedQuery<S extends QuerySpec> = { [K in keyof S]?: ParsedValue<S[K]> };

/**
 * Reads query parameters by the types the spec gives them (`style: form`, `explode: true`: arrays
 * repeat the parameter). Unknown parameters, repeated scalars and values of the wrong type are 400.
 */
export function parseQuery<S extends QuerySpec>(params: URLSearchParams, spec: S): ParsedQuery<S> {
  const result: Record<string, number | boolean | string | string[]> = {};
  for (const name of new Set(params.keys())) {
    const type = spec[name];
    if (type === undefined) {
      const allowed = Object.keys(spec);
      throw badRequest(
        `query parameter ${name} is not supported here${allowed.length ? ` (supported: ${allowed.join(", ")})` : ""}`,
      );
    }
    const values = params.getAll(name);
    if (type === "string[]") {
      result[name] = values;
      continue;
    }
    if (values.length > 1) throw badRequest(`query parameter ${name} must be given once`);
    const value = values[0] ?? "";
    result[name] = convert(name, value, type);
  }
  return result as ParsedQuery<S>;
}

function convert(
  name: string,
  value: string,
  type: Exclude<QueryParamType, "string[]">,
): number | boolean | string {
  switch (type) {
    case "integer": {
      if (!/^-?\d{1,15}$/.test(value)) throw badRequest(`${name} must be an integer number`);
      return Number(value);
    }
    case "boolean": {
      if (value !== "true" && value !== "false")
        throw badRequest(`${name} must be a boolean value (true or false)`);
      return value === "true";
    }
    case "string":
      return value;
  }
}
