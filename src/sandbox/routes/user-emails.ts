import { emailActionQuerySchema } from "../../contabo-api-schemas/users.js";
import { type Route, route } from "../router.js";
import type { SentEmail } from "../state.js";
import { requireUser } from "./lookups.js";

function emailRoute(pattern: string, kind: SentEmail["kind"]): Route {
  return route({
    method: "POST",
    pattern,
    query: emailActionQuerySchema,
    handle: ({ params, query, state, now }) => {
      const user = requireUser(state, params.userId);
      state.recordEmail({
        kind,
        userId: user.userId,
        to: user.email,
        ...(query.redirectUrl !== undefined && { redirectUrl: query.redirectUrl }),
        at: new Date(now()).toISOString(),
      });
      return { status: 204 };
    },
  });
}

export const userEmailRoutes: Route[] = [
  emailRoute("/v1/users/:userId/reset-password", "reset-password"),
  emailRoute("/v1/users/:userId/resend-email-verification", "email-verification"),
];
