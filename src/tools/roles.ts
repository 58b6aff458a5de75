import { z } from "zod";
import { defineTool } from "./define-tool.js";
import { orderBy, page, size } from "./fields.js";
import { onlyItem } from "./only-item.js";
import { paginationOutput, roleOutput, withoutTenant } from "./outputs.js";
import { warningsOutput, withWarnings } from "./warnings.js";

export const retrieveRoleList = defineTool({
  name: "retrieve_role_list",
  input: z.strictObject({
    page,
    size,
    orderBy: orderBy("name:asc"),
    name: z.string().min(1).max(255).optional().describe("Substring of the name."),
    apiName: z.string().min(1).max(255).optional().describe('Roles allowed on this API, e.g. "/v1/users".'),
    tagName: z.string().min(1).max(255).optional(),
    type: z.enum(["default", "custom"]).optional(),
  }),
  output: z.object({
    roles: z.array(roleOutput),
    pagination: paginationOutput,
    requestId: z.string(),
    warnings: warningsOutput,
  }),
  run: async (query, { api, signal }) => {
    const result = await api.retrieveRoleList(query, { signal });
    return {
      roles: result.body.data.map(withoutTenant),
      pagination: result.body._pagination,
      requestId: result.requestId,
      ...withWarnings(result.body.warnings),
    };
  },
});

export const retrieveRole = defineTool({
  name: "retrieve_role",
  input: z.strictObject({
    roleId: z.int().min(1).max(Number.MAX_SAFE_INTEGER).describe("From retrieve_role_list."),
  }),
  output: z.object({ role: roleOutput, requestId: z.string(), warnings: warningsOutput }),
  run: async ({ roleId }, { api, signal }) => {
    const result = await api.retrieveRole(roleId, { signal });
    return {
      role: withoutTenant(onlyItem(result, "role")),
      requestId: result.requestId,
      ...withWarnings(result.body.warnings),
    };
  },
});
