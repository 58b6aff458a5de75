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

/**
 * The metadata of a list answer, read tolerantly: a malformed or missing `_pagination` (the spec's
 * own example has `""`) is read as one page of what `data` holds, and a malformed `_links` is left
 * out, each with a warning. Only `data` decides whether the answer can be used.
 */
export function listMetadata(
  pagination: unknown,
  links: unknown,
  count: number,
): { _pagination: Pagination; _links?: Links; warnings: string[] } {
  const page = paginationSchema.safeParse(pagination);
  const link = linksSchema.safeParse(links);
  return {
    _pagination: page.success ? page.data : { page: 1, size: count, totalElements: count, totalPages: 1 },
    ...(link.success ? { _links: link.data } : {}),
    warnings: [
      ...(page.success ? [] : ["the answer's _pagination was missing or malformed: read as one page"]),
      ...(link.success ? [] : ["the answer's _links was missing or malformed: left out"]),
    ],
  };
}

/** A list response: `{_pagination, data: T[], _links: Links}`, its metadata read tolerantly (listMetadata). */
export function listEnvelope<T extends z.ZodType>(item: T) {
  return z
    .object({ _pagination: z.unknown(), data: z.array(item), _links: z.unknown() })
    .transform(({ _pagination, data, _links }) => ({
      ...listMetadata(_pagination, _links, data.length),
      data,
    }));
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
