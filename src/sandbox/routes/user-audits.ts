import { z } from "zod";
import { userAuditQuerySchema, userAuditSchema } from "../../contabo-api-schemas/audits.js";
import { badRequest } from "../http-error.js";
import { paginate } from "../pagination.js";
import { type Route, route } from "../router.js";

/** `format: date`: a real calendar day as YYYY-MM-DD (2020-13-45 and 2021-02-29 are not). */
const calendarDate = z.iso.date();

/** GET /v1/users/audits: the trail the sandbox's own user operations leave. */
export const userAuditRoutes: Route[] = [
  route({
    method: "GET",
    pattern: "/v1/users/audits",
    query: userAuditQuerySchema,
    handle: ({ query, rawQuery, state }) => {
      for (const [name, value] of [
        ["startDate", query.startDate],
        ["endDate", query.endDate],
      ] as const) {
        if (value !== undefined && !calendarDate.safeParse(value).success) {
          throw badRequest(`${name} must be a calendar date (YYYY-MM-DD)`);
        }
      }
      const start = query.startDate;
      const end = query.endDate;
      const audits = state.audits.filter((audit) => {
        const day = audit.timestamp.slice(0, 10);
        return (
          (query.userId === undefined || audit.userId === query.userId) &&
          (query.requestId === undefined ||
            audit.requestId.toLowerCase() === query.requestId.toLowerCase()) &&
          (query.changedBy === undefined || audit.changedBy === query.changedBy) &&
          (start === undefined || day >= start) &&
          (end === undefined || day <= end)
        );
      });
      const { body, headers } = paginate(
        audits,
        query,
        Object.keys(userAuditSchema.shape),
        "/v1/users/audits",
        rawQuery,
      );
      return { status: 200, body, headers };
    },
  }),
];
