import { readPages } from "../client/read-pages.js";
import type { UsersApi } from "../client/users-api.js";
import type { Role } from "../spec/users.js";
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

const listed = (roles: Role[]) => roles.map((role) => `${role.name} (${role.roleId})`).join(", ");

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
  if (/^[1-9]\d{0,9}$/.test(wanted)) return Number(wanted);
  throw new ToolArgumentError(`no role is named ${JSON.stringify(wanted)}. Roles: ${listed(known)}.`);
}

/** Role ids for `roles` given as ids or names. Ids alone need no lookup. */
export async function roleIdsFor(
  roles: ReadonlyArray<number | string> | undefined,
  api: UsersApi,
  signal: AbortSignal,
): Promise<number[] | undefined> {
  if (roles === undefined) return undefined;
  const names = roles.filter((role): role is string => typeof role === "string");
  const known = names.length > 0 ? await allRoles(api, signal) : [];
  return [...new Set(roles.map((role) => (typeof role === "number" ? role : roleIdFor(role, known))))];
}
