import { ResourceNotFoundError } from "@modelcontextprotocol/server";
import { ContaboApiError } from "../client/errors.js";
import { readPages } from "../client/read-pages.js";
import type { UsersApi } from "../client/users-api.js";
import { userId as userIdField } from "../tools/fields.js";
import { onlyItem } from "../tools/only-item.js";
import { fullName, userResult, withoutTenant } from "../tools/outputs.js";
import { allRoles } from "../tools/role-names.js";

/** What the resources read (resources/index.ts registers them), loaded with the first read. */

/** Listing reads at most this many users; completion offers at most this many candidates. */
const MAX_LISTED_USERS = 1_000;
const MAX_COMPLETIONS = 100;
const ID_PREFIX = /^[0-9a-f-]+$/;

/** contabo://roles: every role, without the tenant fields. */
export async function allRolesRead(api: UsersApi, signal: AbortSignal) {
  return (await allRoles(api, signal)).map(withoutTenant);
}

/** The users behind contabo://users/{userId}, at most MAX_LISTED_USERS of them. */
export async function listedUsers(api: UsersApi, signal: AbortSignal) {
  const read = await readPages((page) => api.retrieveUserList({ page, size: 100 }, { signal }), {
    max: MAX_LISTED_USERS,
  });
  return read.items.map((u) => ({
    uri: `contabo://users/${u.userId}`,
    name: u.email,
    title: fullName(u) || u.email,
  }));
}

/** userId completions: the API filters by e-mail substring; an id prefix is matched against the first page as well. */
export async function userIdsLike(api: UsersApi, value: string): Promise<string[]> {
  const typed = value.trim().toLowerCase();
  const filters = typed === "" ? [{}] : [{ email: typed }, ...(ID_PREFIX.test(typed) ? [{}] : [])];
  const pages = await Promise.all(filters.map((filter) => api.retrieveUserList({ ...filter, size: 100 })));
  const ids = pages
    .flatMap((found) => found.body.data)
    .filter((u) => u.userId.startsWith(typed) || u.email.toLowerCase().includes(typed))
    .map((u) => u.userId);
  return [...new Set(ids)].slice(0, MAX_COMPLETIONS);
}

/** One user's record; undefined when the userId is not a UUID, ResourceNotFoundError when nobody has it. */
export async function userRecord(api: UsersApi, uri: URL, userId: unknown, signal: AbortSignal) {
  const parsed = userIdField.safeParse(userId);
  if (!parsed.success) return undefined;
  try {
    return userResult(onlyItem(await api.retrieveUser(parsed.data, { signal }), "user"));
  } catch (error) {
    if (error instanceof ContaboApiError && error.status === 404) {
      // SEP-2164: -32602 with the URI as its only data, on every protocol revision.
      throw new ResourceNotFoundError(uri.href, `Resource not found: ${uri.href} (no such user).`);
    }
    throw error;
  }
}
