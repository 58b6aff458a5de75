import { readPages } from "../client/read-pages.js";
import type { UsersApi } from "../client/users-api.js";
import type { Role } from "../contabo-api-schemas/users.js";
import { quoteUntrusted } from "../shared/untrusted-text.js";
import { ToolArgumentError } from "./tool-argument-error.js";

/** Accounts have tens of roles; this many is a safe ceiling for reading them all. */
const MAX_ROLES = 5_000;

/** Every role of the account, page by page. */
export async function allRoles(api: UsersApi, signal?: AbortSignal): Promise<Role[]> {
  const read = await readPages((page) => api.retrieveRoleList({ page, size: 100 }, { signal }), {
    max: MAX_ROLES,
  });
  return read.items;
}

/** A role id written as a string, as `roles` arguments carry them. */
const ROLE_ID = /^[1-9]\d{0,9}$/;

/** The roles as a refusal lists them: each name from the API quoted, as data, with its id. */
const listed = (roles: Role[]) =>
  roles.map((role) => `${quoteUntrusted(role.name, 60)} (${role.roleId})`).join(", ");

/**
 * The id of the role `wanted` names: the exact name first, then a case-insensitive match if it is
 * the only one, then a string of digits taken as an id. Anything else is an error naming the
 * candidates, so nothing is ever granted by a guess.
 */
function roleIdFor(wanted: string, known: Role[]): number {
  const exact = known.filter((role) => role.name === wanted);
  const folded = known.filter((role) => role.name.toLowerCase() === wanted.toLowerCase());
  const matches = exact.length > 0 ? exact : folded;
  const [only] = matches;
  if (only && matches.length === 1) return only.roleId;
  if (matches.length > 1) {
    throw new ToolArgumentError(
      `${JSON.stringify(wanted)} names ${matches.length} roles: ${listed(matches)}. Give the role id instead.`,
    );
  }
  if (ROLE_ID.test(wanted)) return Number(wanted);
  throw new ToolArgumentError(`no role is named ${JSON.stringify(wanted)}. Roles: ${listed(known)}.`);
}

/**
 * The ids `roles` name, each resolved against the account's roles by the one rule of roleIdFor;
 * an id the account does not have is refused. A confirmation's preview and the write both resolve
 * through here, so what a person approves is what is granted (a role may be named "555").
 */
function resolvedRoleIds(roles: readonly string[], known: Role[]): number[] {
  const roleIds = [...new Set(roles.map((role) => roleIdFor(role, known)))];
  const unknown = roleIds.filter((id) => !known.some((role) => role.roleId === id));
  if (unknown.length > 0) {
    throw new ToolArgumentError(`no role has the id ${unknown.join(", ")}. Roles: ${listed(known)}.`);
  }
  return roleIds;
}

/** Role ids for `roles` given as names or ids (none for an empty list, which removes every role). */
export async function roleIdsFor(
  roles: readonly string[] | undefined,
  api: UsersApi,
  signal: AbortSignal,
): Promise<number[] | undefined> {
  if (roles === undefined || roles.length === 0) return roles === undefined ? undefined : [];
  return resolvedRoleIds(roles, await allRoles(api, signal));
}

/** At most this many permissions are spelled out per role in a confirmation. */
const MAX_PERMISSIONS_SHOWN = 6;

/**
 * What granting a role means, for a confirmation: its quoted name, its id, and what it may do.
 * An id the account does not have is said to be unknown rather than shown bare.
 */
export function describeRole(roleId: number, known: readonly Role[]): string {
  const role = known.find((candidate) => candidate.roleId === roleId);
  if (!role) return `role id ${roleId} (no such role in this account)`;
  const name = `${quoteUntrusted(role.name)} (id ${role.roleId})`;
  if (role.admin) return `${name}: administrator, may do everything in the account`;
  const permissions = role.permissions ?? [];
  const shown = permissions
    .slice(0, MAX_PERMISSIONS_SHOWN)
    .map((permission) => `${quoteUntrusted(permission.apiName, 60)} ${permission.actions.join("/")}`);
  const more = permissions.length > shown.length ? `, and ${permissions.length - shown.length} more` : "";
  const scope = role.accessAllResources ? "on all resources" : "on tagged resources only";
  return shown.length === 0 ? `${name}: no permissions` : `${name}: ${shown.join(", ")}${more} (${scope})`;
}

/** The roles `roles` names, resolved, with what each may do. */
export async function describeRoles(
  roles: readonly string[],
  api: UsersApi,
  signal: AbortSignal,
): Promise<{ roleIds: number[]; described: string[]; known: Role[] }> {
  const known = await allRoles(api, signal);
  // Nobody is asked to approve a role the account's role list does not show.
  const roleIds = resolvedRoleIds(roles, known);
  return { roleIds, described: roleIds.map((id) => describeRole(id, known)), known };
}
