import type { UsersApi } from "../client/users-api.js";
import type { Role } from "../spec/users.js";

/** Raised when arguments name something that does not exist, before anything is changed. */
export class ToolArgumentError extends Error {}

/** Every role of the account, page by page (accounts have tens of roles, not thousands). */
export async function allRoles(api: UsersApi, signal: AbortSignal): Promise<Role[]> {
  const roles: Role[] = [];
  for (let page = 1; page <= 50; page++) {
    const result = await api.retrieveRoleList({ page, size: 100 }, { signal });
    roles.push(...result.body.data);
    if (page >= result.body._pagination.totalPages) break;
  }
  return roles;
}

/**
 * Role ids for `roles` given as ids or names (names match case-insensitively). An unknown name is
 * an error that lists the valid ones. Ids alone need no lookup.
 */
export async function roleIdsFor(
  roles: ReadonlyArray<number | string> | undefined,
  api: UsersApi,
  signal: AbortSignal,
): Promise<number[] | undefined> {
  if (roles === undefined || roles.every((role) => typeof role === "number"))
    return roles as number[] | undefined;
  const known = await allRoles(api, signal);
  const byName = new Map(known.map((role) => [role.name.toLowerCase(), role.roleId]));
  const unknown = roles.filter((role) => typeof role === "string" && !byName.has(role.toLowerCase()));
  if (unknown.length > 0) {
    throw new ToolArgumentError(
      `no role is named ${unknown.map((name) => JSON.stringify(name)).join(", ")}. Roles: ${known.map((role) => `${role.name} (${role.roleId})`).join(", ")}.`,
    );
  }
  return [
    ...new Set(
      roles.map((role) => (typeof role === "number" ? role : (byName.get(role.toLowerCase()) ?? 0))),
    ),
  ];
}
