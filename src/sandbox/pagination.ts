import type { Links, Pagination } from "../spec/envelopes.js";
import { badRequest } from "./http-error.js";

export const DEFAULT_PAGE_SIZE = 10;
/** Larger sizes are clamped, as users-api.md advises for a simulator (cntb asks for 100). */
export const MAX_PAGE_SIZE = 100;

export interface PageRequest {
  page?: number;
  size?: number;
  orderBy?: string[];
}

export type SortValue = string | number | boolean;

/**
 * Sorts by `orderBy` (`field:asc|desc`, several allowed), then pages the items, and builds the
 * spec's `_pagination` and `_links` (links keep the request's other query parameters).
 */
export function paginate<T>(
  items: readonly T[],
  request: PageRequest,
  sortFields: Record<string, (item: T) => SortValue>,
  basePath: string,
  query: URLSearchParams,
): { data: T[]; _pagination: Pagination; _links: Links } {
  const page = request.page ?? 1;
  const size = Math.min(request.size ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  if (page < 1) throw badRequest("page must not be less than 1");
  if (size < 1) throw badRequest("size must not be less than 1");
  const sorted = sortItems(items, request.orderBy ?? [], sortFields);
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

function sortItems<T>(
  items: readonly T[],
  orderBy: string[],
  sortFields: Record<string, (item: T) => SortValue>,
): T[] {
  const keys = orderBy.map((entry) => {
    const match = /^([A-Za-z]+):(asc|desc)$/i.exec(entry);
    const field = match?.[1];
    const getter = field === undefined ? undefined : sortFields[field];
    if (!match || !getter) {
      throw badRequest(
        `orderBy ${JSON.stringify(entry)} must be field:asc or field:desc with field one of ${Object.keys(sortFields).join(", ")}`,
      );
    }
    return { getter, direction: match[2]?.toLowerCase() === "desc" ? -1 : 1 };
  });
  if (keys.length === 0) return [...items];
  return [...items].sort((a, b) => {
    for (const { getter, direction } of keys) {
      const order = compare(getter(a), getter(b));
      if (order !== 0) return order * direction;
    }
    return 0;
  });
}

function compare(a: SortValue, b: SortValue): number {
  if (typeof a === "string" && typeof b === "string") return a.localeCompare(b);
  return a < b ? -1 : a > b ? 1 : 0;
}
