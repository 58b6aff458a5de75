import { z } from "zod";
import { readPages } from "../client/read-pages.js";
import type { User } from "../contabo-api-schemas/users.js";
import { defineTool, type ToolContext } from "./define-tool.js";
import { orderBy, page, size } from "./fields.js";
import { listedUser, paginationOutput, USER_ROW_FIELDS, userRow } from "./outputs.js";
import { roleIdsFor } from "./role-names.js";
import { warningsOutput, withWarnings } from "./warnings.js";

/** Users read by all=true, the filters read here and countOnly, unless `limit` says otherwise. */
const DEFAULT_LIMIT = 1_000;

const filtersAndPaging = z.strictObject({
  page,
  size,
  orderBy: orderBy("email:asc"),
  email: z.string().min(1).max(255).optional().describe("Substring of the e-mail."),
  enabled: z.boolean().optional(),
  owner: z.boolean().optional(),
  totp: z.boolean().optional().describe("false: users without 2FA."),
  emailVerified: z.boolean().optional(),
  role: z.string().min(1).max(255).optional().describe("Users with this role (name or id)."),
  all: z.boolean().optional().describe("Follow every page (from page)."),
  limit: z.int().min(1).max(10_000).optional().describe("At most this many users in all; default 1000."),
  fields: z
    .array(z.enum(USER_ROW_FIELDS))
    .min(1)
    .max(USER_ROW_FIELDS.length)
    .optional()
    .describe("Row fields; default all but locale."),
  countOnly: z.boolean().optional().describe("Only count the matching users."),
});

type Args = z.output<typeof filtersAndPaging>;

/** The filters the Users API does not have: applied here, to every user of every page read. */
const hasLocalFilter = ({ totp, emailVerified, role }: Args) =>
  totp !== undefined || emailVerified !== undefined || role !== undefined;

/** Whether a call reads the whole list rather than one page. */
function readsEveryPage(args: Args): boolean {
  return args.all === true || args.countOnly === true || hasLocalFilter(args);
}

/** Whether users are read page by page here (everything but a count the API gives). */
const readsPagesHere = (args: Args) =>
  readsEveryPage(args) && !(args.countOnly === true && !hasLocalFilter(args));

const input = filtersAndPaging
  .refine((args) => args.limit === undefined || readsPagesHere(args), {
    error:
      "limit applies only to all=true and the totp, emailVerified and role filters (countOnly alone asks the API to count); for one page use size",
    path: ["limit"],
  })
  .refine((args) => args.size === undefined || !readsEveryPage(args), {
    error:
      "size applies only to one page; all=true, countOnly and the totp, emailVerified and role filters read pages of 100 (use limit to read fewer users)",
    path: ["size"],
  })
  // A filtered list or a count that started at a later page would answer for part of the account
  // as if for all of it.
  .refine((args) => args.page === undefined || !(args.countOnly === true || hasLocalFilter(args)), {
    error:
      "page does not go with countOnly or the totp, emailVerified and role filters: they read the whole list from its first page",
    path: ["page"],
  });

/** A predicate for the filters applied here; the role is resolved first, so an unknown name or id is an error. */
async function localFilter(args: Args, { api, signal }: ToolContext): Promise<(user: User) => boolean> {
  const [roleId] = (await roleIdsFor(args.role === undefined ? undefined : [args.role], api, signal)) ?? [];
  return (user) =>
    (args.totp === undefined || user.totp === args.totp) &&
    (args.emailVerified === undefined || user.emailVerified === args.emailVerified) &&
    (roleId === undefined || user.roles.some((role) => role.roleId === roleId));
}

export const retrieveUserList = defineTool({
  name: "retrieve_user_list",
  input,
  output: z.object({
    users: z.array(listedUser).optional(),
    count: z.number().optional(),
    pagination: paginationOutput.optional(),
    truncated: z.boolean().optional(),
    requestId: z.string(),
    warnings: warningsOutput,
  }),
  run: async (args, context) => {
    const { api, signal, progress } = context;
    const { all, limit = DEFAULT_LIMIT, fields, countOnly, totp, emailVerified, role, ...query } = args;
    // Without fields: every field but the locale, which few questions need.
    const rowFields = fields ? new Set(fields) : undefined;
    if (!readsEveryPage(args)) {
      const result = await api.retrieveUserList(query, { signal });
      return {
        users: result.body.data.map((user) => userRow(user, rowFields)),
        pagination: result.body._pagination,
        requestId: result.requestId,
        ...withWarnings(result.body.warnings),
      };
    }
    if (countOnly && !hasLocalFilter(args)) {
      // The API counts: one request for one user, and its totalElements.
      const result = await api.retrieveUserList({ ...query, page: 1, size: 1 }, { signal });
      return {
        count: result.body._pagination.totalElements,
        requestId: result.requestId,
        ...withWarnings(result.body.warnings),
      };
    }
    const matches = await localFilter(args, context);
    // Whole lists always come in pages of 100: a small size must not multiply the upstream requests.
    const warnings: string[] = [];
    const read = await readPages(
      async (page) => {
        const result = await api.retrieveUserList({ ...query, size: 100, page }, { signal });
        warnings.push(...result.body.warnings);
        return result;
      },
      {
        from: query.page,
        max: limit,
        beforePage: (read, total) => progress(read, total, `${read} users read`),
      },
    );
    await progress(read.items.length, read.items.length, `${read.items.length} users read`);
    const found = read.items.filter(matches);
    return {
      ...(countOnly ? {} : { users: found.map((user) => userRow(user, rowFields)) }),
      count: found.length,
      // Stopped at the limit while more users remain: say so rather than pretend the list is complete.
      truncated: read.truncated,
      requestId: read.last.requestId,
      ...withWarnings(warnings),
    };
  },
});
