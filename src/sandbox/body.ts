import { z } from "zod";
import { formatPath } from "../contabo-api-schemas/format-path.js";
import { badRequest } from "./http-error.js";

/**
 * Validates a JSON request body against a spec request schema. Properties the schema does not
 * declare are refused, as are missing required ones and values outside the spec's constraints.
 */
export function validateBody<S extends z.ZodObject>(body: unknown, schema: S): z.output<S> {
  if (body === undefined) throw badRequest("a JSON request body is required");
  const parsed = z.strictObject(schema.shape).safeParse(body);
  if (parsed.success) return parsed.data as z.output<S>;
  const messages = parsed.error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") return `property ${issue.keys.join(", ")} should not exist`;
    const field = formatPath(issue.path);
    return field ? `${field}: ${issue.message}` : issue.message;
  });
  throw badRequest(messages.join("; "));
}
