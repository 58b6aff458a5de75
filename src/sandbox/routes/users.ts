import {
  createUserRequestSchema,
  updateUserRequestSchema,
  userListQuerySchema,
  userSchema,
} from "../../contabo-api-schemas/users.js";
import { validateBody } from "../body.js";
import { SandboxHttpError } from "../http-error.js";
import { paginate } from "../pagination.js";
import { type Route, type RouteContext, route } from "../router.js";
import type { StoredUser } from "../state.js";
import { requireRoles, requireUniqueEmail, requireUser } from "./lookups.js";

/** The fields of UserResponse: orderBy may name any of them (roles, an array, does not sort). */
const USER_FIELDS = Object.keys(userSchema.shape);

const userLinks = (user: StoredUser) => ({ self: `/v1/users/${user.userId}` });

function auditContext({ caller, requestId, traceId, now }: RouteContext) {
  return { caller: caller.sub, requestId, traceId, at: now() };
}

/** The fields that changed, each as {from, to}. */
function changed(before: StoredUser, after: StoredUser): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(after) as Array<keyof StoredUser>) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key]))
      changes[key] = { from: before[key], to: after[key] };
  }
  return changes;
}

/**
 * The spec requires non-empty names in UserResponse but lets a user be created without them:
 * the sandbox then names them after their e-mail (jane.doe@… → Jane / Doe).
 */
function namesFromEmail(email: string): { firstName: string; lastName: string } {
  const words = (email.split("@")[0] ?? email).split(/[._+-]+/).filter(Boolean);
  const title = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
  const [first = email, ...rest] = words.map(title);
  return { firstName: first.slice(0, 255), lastName: (rest.join(" ") || first).slice(0, 255) };
}

export const userRoutes: Route[] = [
  route({
    method: "GET",
    pattern: "/v1/users",
    query: userListQuerySchema,
    handle: ({ query, rawQuery, state }) => {
      const email = query.email?.toLowerCase();
      const users = [...state.users.values()].filter(
        (u) =>
          (email === undefined || u.email.toLowerCase().includes(email)) &&
          (query.enabled === undefined || u.enabled === query.enabled) &&
          (query.owner === undefined || u.owner === query.owner),
      );
      const { body: page, headers } = paginate(users, query, USER_FIELDS, "/v1/users", rawQuery);
      return { status: 200, body: { ...page, data: page.data.map((u) => state.answerUser(u)) }, headers };
    },
  }),
  route({
    method: "POST",
    pattern: "/v1/users",
    handle: (context) => {
      const { body, state } = context;
      const request = validateBody(body, createUserRequestSchema);
      requireUniqueEmail(state, request.email);
      const defaults = namesFromEmail(request.email);
      const user: StoredUser = {
        userId: state.random.uuid(),
        firstName: request.firstName ?? defaults.firstName,
        lastName: request.lastName ?? defaults.lastName,
        email: request.email,
        emailVerified: false,
        enabled: request.enabled,
        totp: request.totp,
        locale: request.locale,
        roleIds: requireRoles(state, request.roles) ?? [],
        owner: false,
        // Invited: they set a password from the invitation e-mail.
        passwordSet: false,
      };
      state.users.set(user.userId, user);
      state.addCredentialsFor(user.userId);
      state.recordEmail({
        kind: "invitation",
        userId: user.userId,
        to: user.email,
        at: new Date(context.now()).toISOString(),
      });
      const { userId: _, passwordSet: __, ...created } = user;
      state.recordAudit({
        action: "CREATED",
        userId: user.userId,
        changes: created,
        ...auditContext(context),
      });
      return {
        status: 201,
        body: { data: [{ ...state.tenant, userId: user.userId }], _links: userLinks(user) },
      };
    },
  }),
  route({
    method: "GET",
    pattern: "/v1/users/:userId",
    handle: ({ params, state }) => {
      const user = requireUser(state, params.userId);
      return { status: 200, body: { data: [state.answerUser(user)], _links: userLinks(user) } };
    },
  }),
  route({
    method: "PATCH",
    pattern: "/v1/users/:userId",
    handle: (context) => {
      const { params, body, state } = context;
      const user = requireUser(state, params.userId);
      const request = validateBody(body, updateUserRequestSchema);
      if (user.owner && request.enabled === false) {
        throw new SandboxHttpError(403, "The account owner cannot be disabled");
      }
      // Every check comes before any change: a refused request leaves the user as it was.
      const newEmail = request.email?.toLowerCase() === user.email.toLowerCase() ? undefined : request.email;
      if (newEmail !== undefined) requireUniqueEmail(state, newEmail, user.userId);
      const roleIds = requireRoles(state, request.roles);
      const before = { ...user };
      Object.assign(user, {
        ...(request.firstName !== undefined && { firstName: request.firstName }),
        ...(request.lastName !== undefined && { lastName: request.lastName }),
        ...(request.email !== undefined && { email: request.email }),
        ...(newEmail !== undefined && { emailVerified: false }),
        ...(request.enabled !== undefined && { enabled: request.enabled }),
        ...(request.totp !== undefined && { totp: request.totp }),
        ...(request.locale !== undefined && { locale: request.locale }),
        ...(roleIds !== undefined && { roleIds }),
      });
      const changes = changed(before, user);
      if (Object.keys(changes).length > 0) {
        state.recordAudit({ action: "UPDATED", userId: user.userId, changes, ...auditContext(context) });
      }
      return { status: 200, body: { _links: userLinks(user) } };
    },
  }),
  route({
    method: "DELETE",
    pattern: "/v1/users/:userId",
    handle: (context) => {
      const { params, state } = context;
      const user = requireUser(state, params.userId);
      if (user.owner) throw new SandboxHttpError(403, "The account owner cannot be deleted");
      state.deleteUser(user.userId);
      state.recordAudit({ action: "DELETED", userId: user.userId, ...auditContext(context) });
      return { status: 204 };
    },
  }),
];
