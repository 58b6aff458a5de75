import { ContaboResponseError } from "../client/errors.js";
import type { ApiResponse } from "../client/request-pipeline.js";

/**
 * Single-object responses carry `data` as an array of one: take that one, or fail clearly (saying
 * why when the record was left out as unreadable: tolerant responses carry `warnings`).
 */
export function onlyItem<T>(response: ApiResponse<{ data: T[]; warnings?: string[] }>, what: string): T {
  const item = response.body.data[0];
  if (item === undefined) {
    const why = response.body.warnings?.length ? ` (${response.body.warnings.join("; ")})` : "";
    throw new ContaboResponseError(
      `data is empty, one ${what} was expected${why}`,
      response.operation,
      response.requestId,
    );
  }
  return item;
}
