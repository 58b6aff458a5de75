import { createUserRequestSchema, updateUserRequestSchema } from "../../spec/users.js";
import { validateBody } from "../body.js";
import { SandboxHttpError } from "../http-error.js";
import { paginate } from "../pagination.js";
import { parseQuery } from "../query.js";
import type { Route } from "../router.js";
import type { StoredUser } from "../state.js";
import { requireRoles, requireUniqueEmail, requireUser } from "./lookups.js";

const USER_SORT_FIELDS: Record<string, (user: StoredUser) => string | boolean> = {
  userId: (u) => u.userId,
  firstName: (u) => u.firstName,
  lastName: (u) => u.lastName,
  name: (u) => `${u.firstName} ${u.lastName}`,
  email: (u) => u.email,
  emailVerified: (u) => u.emailVerified,
  enabled: (u) => u.enabled,
  totp: (u) => u.totp,
  locale: (u) => u.locale,
  owner: (u) => u.owner,
};

export const userRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/v1/users",
    handle: ({ query, state }) => {
      const q = parseQuery(query, {
        page: "integer",
        size: "integer",
        orderBy: "string[]",
        email: "string",
        enabled: "boolean",
        owner: "boolean",
      });
      const email = q.email?.toLowerCase();
      const users = [...state.users.values()].filter(
        (u) =>
          (email === undefined || u.email.toLowerCase().includes(email)) &&
          (q.enabled === undefined || u.enabled === q.enabled) &&
          (q.owner === undefined || u.owner === q.owner),
      );
      const page = paginate(users, q, USER_SORT_FIELDS, "/v1/users", query);
      return { status: 200, body: { ...page, data: page.data.map((u) => state.toUser(u)) } };
    },
  },
  {
    method: "POST",
    pattern: "/v1/users",
    handle: ({ query, body, state }) => {
      parseQuery(query, {});
      const request = validateBody(body, createUserRequestSchema);
      requireUniqueEmail(state, request.email);
      const user: StoredUser = {
        userId: state.random.uuid(),
        firstName: request.firstName ?? "",
        lastName: request.lastName ?? "",
        email: request.email,
        emailVerified: false,
        enabled: request.enabled,
        totp: request.totp,
        locale: request.locale,
        roleIds: requireRoles(state, request.roles) ?? [],
        owner: false,
      };
      state.users.set(user.userId, user);
      state.addCredentialsFor(user.userId);
      return {
        status: 201,
        body: {
          data: [{ ...state.tenant, userId: user.userId }],
          _links: { self: `/v1/users/${user.userId}` },
        },
      };
    },
  },
  {
    method: "GET",
    pattern: "/v1/users/:userId",
    handle: ({ params, query, state }) => {
      parseQuery(query, {});
      const user = requireUser(state, params.userId);
      return {
        status: 200,
        body: { data: [state.toUser(user)], _links: { self: `/v1/users/${user.userId}` } },
      };
    },
  },
  {
    method: "PATCH",
    pattern: "/v1/users/:userId",
    handle: ({ params, query, body, state }) => {
      parseQuery(query, {});
      const user = requireUser(state, params.userId);
      const request = validateBody(body, updateUserRequestSchema);
      if (user.owner && request.enabled === false) {
        throw new SandboxHttpError(403, "The account owner cannot be disabled");
      }
      if (request.email !== undefined && request.email.toLowerCase() !== user.email.toLowerCase()) {
        requireUniqueEmail(state, request.email, user.userId);
        user.emailVerified = false;
      }
      const roleIds = requireRoles(state, request.roles);
      Object.assign(user, {
        ...(request.firstName !== undefined && { firstName: request.firstName }),
        ...(request.lastName !== undefined && { lastName: request.lastName }),
        ...(request.email !== undefined && { email: request.email }),
        ...(request.enabled !== undefined && { enabled: request.enabled }),
        ...(request.totp !== undefined && { totp: request.totp }),
        ...(request.locale !== undefined && { locale: request.locale }),
        ...(roleIds !== undefined && { roleIds }),
      });
      return { status: 200, body: { _links: { self: `/v1/users/${user.userId}` } } };
    },
  },
  {
    method: "DELETE",
    pattern: "/v1/users/:userId",
    handle: ({ params, query, state }) => {
      parseQuery(query, {});
      const user = requireUser(state, params.userId);
      if (user.owner) throw new SandboxHttpError(403, "The account owner cannot be deleted");
      state.deleteUser(user.userId);
      return { status: 204 };
    },
  },
];
