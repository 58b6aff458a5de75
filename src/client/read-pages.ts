import type { ApiResponse } from "./request-pipeline.js";

/** The part of a list response that paging needs. */
interface ListBody {
  data: unknown[];
  _pagination: { page: number; size: number; totalElements: number; totalPages: number };
}

export interface PagesRead<B extends ListBody> {
  items: B["data"];
  /** The last page read, for its pagination and request id. */
  last: ApiResponse<B>;
  /** More items exist than were read (stopped at `max`). */
  truncated: boolean;
}

/**
 * The one way to follow a list through its pages: from page `from`, until the last page or `max`
 * items. `beforePage` runs before each further page (progress notifications).
 */
export async function readPages<B extends ListBody>(
  fetchPage: (page: number) => Promise<ApiResponse<B>>,
  {
    from = 1,
    max,
    beforePage,
  }: { from?: number; max: number; beforePage?: (read: number, total: number) => Promise<void> },
): Promise<PagesRead<B>> {
  let last = await fetchPage(from);
  const items = [...last.body.data];
  // What this read can reach: the items from page `from` on, at most `max`.
  const { size, totalElements } = last.body._pagination;
  const reachable = Math.min(Math.max(totalElements - (from - 1) * size, items.length), max);
  while (items.length < max && last.body._pagination.page < last.body._pagination.totalPages) {
    await beforePage?.(items.length, reachable);
    last = await fetchPage(last.body._pagination.page + 1);
    if (last.body.data.length === 0) break;
    items.push(...last.body.data);
  }
  const morePages = last.body._pagination.page < last.body._pagination.totalPages;
  return { items: items.slice(0, max), last, truncated: items.length > max || morePages };
}
