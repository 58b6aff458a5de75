import type { Links, Pagination } from "../contabo-api-schemas/envelopes.js";
import { badRequest } from "./http-error.js";

export const DEFAULT_PAGE_SIZE = 10;
/** Larger sizes are clamped, as users-api.md advises for a simulator (cntb asks for 100). */
export const MAX_PAGE_SIZE = 100;

export interface PageRequest {
  page?: number;
  size?: number;
  orderBy?: string[];
}

interface SortKey {
  field: string;
  direction: 1 | -1;
}

/**
 * Sorts by `orderBy` (`field:ASC|DESC`, several allowed; the spec's example is `name:asc`), then
 * pages the items, and builds the spec's `_pagination` and `_links` (links keep the request's other
 * query parameters). Any top-level field of the answered records sorts (`fields`: their schema's
 * keys, read from the stored items); a field the records do not have is refused with 400.
 */
export function paginate<T extends object>(
  items: readonly T[],
  request: PageRequest,
  fields: readonly string[],
  basePath: string,
  query: URLSearchParams,
): { data: T[]; _pagination: Pagination; _links: Links } {
  const page = request.page ?? 1;
  const size = Math.min(request.size ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  if (page < 1) throw badRequest("page must not be less than 1");
  if (size < 1) throw badRequest("size must not be less than 1");
  const sorted = sortItems(items, sortKeys(request.orderBy ?? [], fields));
  const totalElements = sorted.length;
  const totalPages = Math.ceil(totalElements / size);
  const data = sorted.slice((page - 1) * size, page * size);
  const link = (target: number) => {
    const params = new URLSearchParams({ page: String(target), size: String(size) });
    for (const [name, value] of query) if (name !== "page" && name !== "size") params.append(name, value);
    return `${basePath}?${params.toString()}`;
  };
  const last = Math.max(totalPages, 1);
  return {
    data,
    _pagination: { page, size, totalElements, totalPages },
    _links: {
      self: link(page),
      first: link(1),
      last: link(last),
      ...(page > 1 ? { previous: link(Math.min(page - 1, last)) } : {}),
      ...(page < totalPages ? { next: link(page + 1) } : {}),
    },
  };
}

function sortKeys(orderBy: readonly string[], fields: readonly string[]): SortKey[] {
  return orderBy.map((entry) => {
    const match = /^(\w+):(asc|desc)$/i.exec(entry);
    const field = match?.[1];
    if (!match || field === undefined || !fields.includes(field)) {
      throw badRequest(
        `orderBy ${JSON.stringify(entry)} must be field:asc or field:desc (e.g. name:asc), with a field of the records: ${fields.join(", ")}`,
      );
    }
    return { field, direction: match[2]?.toLowerCase() === "desc" ? -1 : 1 };
  });
}

function sortItems<T extends object>(items: readonly T[], keys: readonly SortKey[]): T[] {
  if (keys.length === 0) return [...items];
  return [...items].sort((a, b) => {
    for (const { field, direction } of keys) {
      const order = compare(fieldValue(a, field), fieldValue(b, field));
      if (order !== 0) return order * direction;
    }
    return 0;
  });
}

function fieldValue(item: object, field: string): unknown {
  return Object.hasOwn(item, field) ? (item as Record<string, unknown>)[field] : undefined;
}

/** Strings by locale, numbers and booleans by value, null and absent first; arrays and objects do not sort. */
function compare(a: unknown, b: unknown): number {
  if (typeof a === "string" && typeof b === "string") return a.localeCompare(b);
  if (typeof a === "number" || typeof a === "boolean") {
    if (typeof b === typeof a) return Number(a) - Number(b);
  }
  const aMissing = a === null || a === undefined;
  const bMissing = b === null || b === undefined;
  if (aMissing !== bMissing) return aMissing ? -1 : 1;
  return 0;
}
