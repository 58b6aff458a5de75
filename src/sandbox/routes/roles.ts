import { roleListQuerySchema, roleSchema } from "../../contabo-api-schemas/users.js";
import { badRequest, notFound } from "../http-error.js";
import { paginate } from "../pagination.js";
import { type Route, route } from "../router.js";

/** GET /v1/roles and /v1/roles/{roleId}, so that role ids can be resolved (the role writes are not simulated). */
export const roleRoutes: Route[] = [
  route({
    method: "GET",
    pattern: "/v1/roles",
    query: roleListQuerySchema,
    handle: ({ query, rawQuery, state }) => {
      const name = query.name?.toLowerCase();
      const roles = [...state.roles.values()].filter(
        (role) =>
          (name === undefined || role.name.toLowerCase().includes(name)) &&
          (query.type === undefined || role.type === query.type) &&
          (query.apiName === undefined ||
            (role.permissions ?? []).some((p) => p.apiName === query.apiName)) &&
          (query.tagName === undefined ||
            (role.permissions ?? []).some((p) =>
              (p.resources ?? []).some((r) => r.tagName === query.tagName),
            )),
      );
      const { body: page, headers } = paginate(
        roles,
        query,
        Object.keys(roleSchema.shape),
        "/v1/roles",
        rawQuery,
      );
      return { status: 200, body: { ...page, data: page.data.map((role) => state.toRole(role)) }, headers };
    },
  }),
  route({
    method: "GET",
    pattern: "/v1/roles/:roleId",
    handle: ({ params, state }) => {
      const id = params.roleId ?? "";
      if (!/^\d{1,15}$/.test(id)) throw badRequest("roleId must be an integer number");
      const role = state.roles.get(Number(id));
      if (!role) throw notFound(`Entry Role not found by roleId ${id}`);
      return {
        status: 200,
        body: { data: [state.toRole(role)], _links: { self: `/v1/roles/${role.roleId}` } },
      };
    },
  }),
];
