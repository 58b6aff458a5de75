import { parseQuery } from "../query.js";
import type { Route } from "../router.js";

export const apiClientRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/v1/users/client",
    handle: ({ query, state }) => {
      parseQuery(query, {});
      return {
        status: 200,
        body: { data: [{ ...state.tenant, ...state.apiClient }], _links: { self: "/v1/users/client" } },
      };
    },
  },
  {
    method: "PUT",
    pattern: "/v1/users/client/secret",
    handle: ({ query, state }) => {
      parseQuery(query, {});
      state.apiClient = { ...state.apiClient, secret: state.random.uuid() };
      return {
        status: 200,
        body: {
          data: [{ ...state.tenant, secret: state.apiClient.secret }],
          _links: { self: "/v1/users/client/secret" },
        },
      };
    },
  },
];
