import { isPasswordSetQuerySchema } from "../../contabo-api-schemas/users.js";
import { type Route, route } from "../router.js";
import { requireUser } from "./lookups.js";

/** GET /v1/users/is-password-set: whether a user (by default the caller) has set a password. */
export const isPasswordSetRoutes: Route[] = [
  route({
    method: "GET",
    pattern: "/v1/users/is-password-set",
    query: isPasswordSetQuerySchema,
    handle: ({ query, state, caller }) => {
      const user = requireUser(state, query.userId ?? caller.sub);
      return {
        status: 200,
        body: {
          data: [{ ...state.tenant, isPasswordSet: user.passwordSet }],
          _links: { self: "/v1/users/is-password-set" },
        },
      };
    },
  }),
];
