import { parseQuery } from "../query.js";
import type { Route } from "../router.js";
import type { SentEmail } from "../state.js";
import { requireUser } from "./lookups.js";

function emailRoute(pattern: string, kind: SentEmail["kind"]): Route {
  return {
    method: "POST",
    pattern,
    handle: ({ params, query, state }) => {
      const { redirectUrl } = parseQuery(query, { redirectUrl: "string" });
      const user = requireUser(state, params.userId);
      state.outbox.push({
        kind,
        userId: user.userId,
        to: user.email,
        ...(redirectUrl !== undefined && { redirectUrl }),
        at: new Date().toISOString(),
      });
      return { status: 204 };
    },
  };
}

export const userEmailRoutes: Route[] = [
  emailRoute("/v1/users/:userId/reset-password", "reset-password"),
  emailRoute("/v1/users/:userId/resend-email-verification", "email-verification"),
];
