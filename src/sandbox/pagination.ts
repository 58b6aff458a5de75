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

/** How the sandbox read an orderBy field the records do not have: the response header that says so. */
export const SORT_NOTE_HEADER = "x-sandbox-order-by";

/**
 * Sorts by `orderBy` (`field:ASC|DESC`, several allowed), then pages the items, and builds the
 * spec's `_pagination` and `_links` (links keep the request's other query parameters). Any
 * top-level field of the answered records sorts (`fields`: their schema's keys). The spec's own
 * example, `name:asc`, is offered on lists whose records have no `name`: a well-formed entry with
 * another field sorts by the closest one (the first field ending in it: `name` → `displayName`,
 * `firstName`, `username`) or is ignored, and the SORT_NOTE_HEADER says which. A malformed entry
 * (`name`, `name:up`) is refused with 400.
 */
export function paginate<T extends object>(
  items: readonly T[],
  request: PageRequest,
  fields: readonly string[],
  basePath: string,
  query: URLSearchParams,
): { body: { data: T[]; _pagination: Pagination; _links: Links }; headers: Record<string, string> } {
  const page = request.page ?? 1;
  const size = Math.min(request.size ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  if (page < 1) throw badRequest("page must not be less than 1");
  if (size < 1) throw badRequest("size must not be less than 1");
  const { keys, notes } = sortKeys(request.orderBy ?? [], fields);
  const sorted = sortItems(items, keys);
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
    body: {
      data,
      _pagination: { page, size, totalElements, totalPages },
      _links: {
        self: link(page),
        first: link(1),
        last: link(last),
        ...(page > 1 ? { previous: link(Math.min(page - 1, last)) } : {}),
        ...(page < totalPages ? { next: link(page + 1) } : {}),
      },
    },
    headers: notes.length > 0 ? { [SORT_NOTE_HEADER]: notes.join("; ") } : {},
  };
}

function sortKeys(
  orderBy: readonly string[],
  fields: readonly string[],
): { keys: SortKey[]; notes: string[] } {
  const keys: SortKey[] = [];
  const notes: string[] = [];
  for (const entry of orderBy) {
    const match = /^(\w+):(asc|desc)$/i.exec(entry);
    const asked = match?.[1];
    if (!match || asked === undefined) {
      throw badRequest(
        `orderBy ${JSON.stringify(entry)} must be field:asc or field:desc (e.g. name:asc), with a field of the records: ${fields.join(", ")}`,
      );
    }
    const field = fields.includes(asked)
      ? asked
      : fields.find((known) => known.toLowerCase().endsWith(asked.toLowerCase()));
    if (field !== asked)
      notes.push(field ? `${entry}: sorted by ${field}` : `${entry}: ignored (no such field)`);
    if (field) keys.push({ field, direction: match[2]?.toLowerCase() === "desc" ? -1 : 1 });
  }
  return { keys, notes };
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
