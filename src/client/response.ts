import type { z } from "zod";
import { apiErrorBodySchema } from "../contabo-api-schemas/common.js";
import { formatPath } from "../contabo-api-schemas/format-path.js";
import { ContaboApiError, ContaboResponseError } from "./errors.js";
import { parseJsonOrUndefined } from "./json.js";
import { parseRetryAfterMs } from "./retry-policy.js";

/** Turns an error status and its `{statusCode, message}` body (when there is one) into a ContaboApiError. */
export function apiError(
  operation: string,
  status: number,
  text: string,
  requestId: string,
  retryAfter: string | string[] | undefined,
): ContaboApiError {
  const parsed = apiErrorBodySchema.safeParse(parseJsonOrUndefined(text));
  const message = parsed.success
    ? [parsed.data.message].flat().join("; ")
    : text.trim() === ""
      ? "(no message)"
      : text.trim().slice(0, 300);
  const retryAfterMs = parseRetryAfterMs(retryAfter);
  return new ContaboApiError(
    status,
    message,
    operation,
    requestId,
    retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000),
  );
}

/** Validates a success body against the operation's schema; a mismatch names the first field that broke it. */
export function parseSuccessBody<S extends z.ZodType>(
  schema: S,
  operation: string,
  text: string,
  requestId: string,
): z.output<S> {
  const json = parseJsonOrUndefined(text);
  if (json === undefined) {
    throw new ContaboResponseError(
      text === ""
        ? "the body is empty, JSON was expected"
        : `the body is not valid JSON (${text.length} characters)`,
      operation,
      requestId,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.length ? formatPath(issue.path) : "(the body)";
    throw new ContaboResponseError(`field ${field}: ${issue?.message ?? "invalid"}`, operation, requestId);
  }
  return parsed.data;
}
