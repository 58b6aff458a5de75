import { type Route, route } from "../router.js";

export const apiClientRoutes: Route[] = [
  route({
    method: "GET",
    pattern: "/v1/users/client",
    handle: ({ state }) => ({
      status: 200,
      body: { data: [{ ...state.tenant, ...state.apiClient }], _links: { self: "/v1/users/client" } },
    }),
  }),
  route({
    method: "PUT",
    pattern: "/v1/users/client/secret",
    handle: ({ state }) => {
      state.apiClient = { ...state.apiClient, secret: state.recordSecret(state.random.uuid()) };
      return {
        status: 200,
        body: {
          data: [{ ...state.tenant, secret: state.apiClient.secret }],
          _links: { self: "/v1/users/client/secret" },
        },
      };
    },
  }),
];
