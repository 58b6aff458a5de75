import { z } from "zod";

/** `Links`: on list responses. */
export const linksSchema = z.object({
  self: z.string(),
  first: z.string(),
  last: z.string(),
  previous: z.string().optional(),
  next: z.string().optional(),
});
export type Links = z.infer<typeof linksSchema>;

/** `SelfLinks`: on single-object responses. */
export const selfLinksSchema = z.object({ self: z.string() });

/** `PaginationMeta`: all four fields required, typed `number`. */
export const paginationSchema = z.object({
  page: z.number(),
  size: z.number(),
  totalElements: z.number(),
  totalPages: z.number(),
});
export type Pagination = z.infer<typeof paginationSchema>;

/** A list response: `{_pagination, data: T[], _links: Links}`. */
export function listEnvelope<T extends z.ZodType>(item: T) {
  return z.object({ _pagination: paginationSchema, data: z.array(item), _links: linksSchema });
}

/** A single-object response: `{data: T[], _links: SelfLinks}` (data is always an array). */
export function dataEnvelope<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), _links: selfLinksSchema });
}

/** PATCH /v1/users/{userId} answers with `_links` only. */
export const linksOnlyEnvelope = z.object({ _links: selfLinksSchema });

/** Paging query parameters shared by the list operations (the spec gives no default, minimum or maximum). */
export const pagingQuerySchema = z.object({
  page: z.int().optional(),
  size: z.int().optional(),
  orderBy: z.array(z.string()).optional(),
});
