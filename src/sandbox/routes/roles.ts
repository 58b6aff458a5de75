import { paginate } from "../pagination.js";
import { parseQuery } from "../query.js";
import type { Route } from "../router.js";

/** GET /v1/roles, so that role ids can be resolved (the role write operations are not simulated). */
export const roleRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/v1/roles",
    handle: ({ query, state }) => {
      const q = parseQuery(query, {
        page: "integer",
        size: "integer",
        orderBy: "string[]",
        name: "string",
        apiName: "string",
        tagName: "string",
        type: "string",
      });
      const name = q.name?.toLowerCase();
      const roles = [...state.roles.values()].filter(
        (role) =>
          (name === undefined || role.name.toLowerCase().includes(name)) &&
          (q.type === undefined || role.type === q.type) &&
          (q.apiName === undefined || (role.permissions ?? []).some((p) => p.apiName === q.apiName)) &&
          (q.tagName === undefined ||
            (role.permissions ?? []).some((p) => (p.resources ?? []).some((r) => r.tagName === q.tagName))),
      );
      const page = paginate(
        roles,
        q,
        { roleId: (r) => r.roleId, name: (r) => r.name, type: (r) => r.type, admin: (r) => r.admin },
        "/v1/roles",
        query,
      );
      return { status: 200, body: { ...page, data: page.data.map((role) => state.toRole(role)) } };
    },
  },
];
