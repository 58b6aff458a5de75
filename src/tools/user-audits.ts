import { z } from "zod";
import { defineTool } from "./define-tool.js";
import { orderBy, page, size, userId } from "./fields.js";
import { paginationOutput, withoutTenant } from "./outputs.js";
import { warningsOutput, withWarnings } from "./warnings.js";

/** A calendar day (zod checks the month and the day in it: 2020-13-45 and 2021-02-29 are refused). */
const date = z.iso.date({ error: "dates are calendar days such as 2026-11-29" });

export const retrieveUserAudits = defineTool({
  name: "retrieve_user_audits",
  input: z.strictObject({
    page,
    size,
    orderBy: orderBy("timestamp:desc"),
    userId: userId.optional().describe("Changes to this user."),
    changedBy: z.string().min(1).max(255).optional().describe("Changes made by this user."),
    requestId: z.string().min(1).max(100).optional(),
    startDate: date.optional(),
    endDate: date.optional(),
  }),
  output: z.object({
    audits: z.array(
      z.looseObject({
        id: z.number(),
        action: z.string(),
        timestamp: z.string(),
        userId: z.string(),
        changedBy: z.string(),
        username: z.string(),
        requestId: z.string(),
      }),
    ),
    pagination: paginationOutput,
    requestId: z.string(),
    warnings: warningsOutput,
  }),
  run: async (query, { api, signal }) => {
    const result = await api.retrieveUserAudits(query, { signal });
    return {
      audits: result.body.data.map(withoutTenant),
      pagination: result.body._pagination,
      requestId: result.requestId,
      ...withWarnings(result.body.warnings),
    };
  },
});
