import { z } from "zod";
import { apiClientSchema, clientSecretSchema } from "../contabo-api-schemas/client-secret.js";
import { type Credential, credentialSchema } from "../contabo-api-schemas/object-storage-credentials.js";
import { type User, userSchema } from "../contabo-api-schemas/users.js";
import { maskSecret } from "../shared/secrets.js";

/**
 * What the tools return about users, roles, credentials and the API client: the API's records
 * without `tenantId` and `customerId`, which are the same for the whole account and would cost
 * tokens in every result and in every tool's output schema.
 */
const TENANT = { tenantId: true, customerId: true } as const;

type WithoutTenant<T> = Omit<T, "tenantId" | "customerId">;

export function withoutTenant<T extends { tenantId: string; customerId: string }>(
  record: T,
): WithoutTenant<T> {
  const { tenantId: _, customerId: __, ...rest } = record;
  return rest;
}

/** A role as listed on a user: its id, name and kind; `permissions` come along, undeclared. */
export const roleOutput = z.looseObject({
  roleId: z.number(),
  name: z.string(),
  admin: z.boolean(),
  accessAllResources: z.boolean(),
  type: z.string(),
});

/** A user as the tools return it: names are null when the API gives none; any locale comes through. */
export const userOutput = userSchema.omit(TENANT).extend({
  userId: z.string(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  locale: z.string(),
  roles: z.array(roleOutput),
});
export const credentialOutput = credentialSchema.omit(TENANT);
export const apiClientOutput = apiClientSchema.omit(TENANT);
export const clientSecretOutput = clientSecretSchema.omit(TENANT);

/** "First Last", or only the one there is, or "" when the API gives no names. */
export function fullName(user: Pick<User, "firstName" | "lastName">): string {
  return [user.firstName, user.lastName].filter((part) => part !== null && part !== "").join(" ");
}

export function userResult(user: User): z.input<typeof userOutput> {
  return { ...withoutTenant(user), roles: user.roles.map(withoutTenant) };
}

export function credentialResult(
  credential: Credential,
  secretKey: string,
): z.input<typeof credentialOutput> {
  return { ...withoutTenant(credential), secretKey };
}

/** The fields a listed user's row can have: the record's own, with role names instead of role objects. */
export const USER_ROW_FIELDS = [
  "userId",
  "email",
  "firstName",
  "lastName",
  "enabled",
  "totp",
  "emailVerified",
  "owner",
  "roles",
  "locale",
] as const;
export type UserRowField = (typeof USER_ROW_FIELDS)[number];

/** A listed user: the fields asked for (tools/user-list.ts). */
export const listedUser = z
  .object({
    userId: z.string(),
    email: z.string(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    enabled: z.boolean(),
    totp: z.boolean(),
    emailVerified: z.boolean(),
    owner: z.boolean(),
    roles: z.array(z.string()),
    locale: z.string(),
  } satisfies Record<UserRowField, z.ZodType>)
  .partial();

/** `user` as a row of the given fields (every field but the locale when none are given), in their canonical order. */
export function userRow(user: User, fields?: ReadonlySet<UserRowField>): z.input<typeof listedUser> {
  const roles = () => user.roles.map((role) => role.name);
  if (fields === undefined) {
    const { userId, email, firstName, lastName, enabled, totp, emailVerified, owner } = user;
    return { userId, email, firstName, lastName, enabled, totp, emailVerified, owner, roles: roles() };
  }
  const row: Record<string, unknown> = {};
  for (const field of USER_ROW_FIELDS) {
    if (fields.has(field)) row[field] = field === "roles" ? roles() : user[field];
  }
  return row;
}

/** The page a list result is: page, size, totalElements, totalPages (numbers, as the API gives them). */
export const paginationOutput = z.record(z.string(), z.number());

/** A secret as the tools return it: masked unless the caller asked to reveal it (and that was confirmed). */
export function shownSecret(secret: string, revealed: boolean | undefined): string {
  return revealed ? secret : maskSecret(secret);
}

/** Result of an operation that answers 204: a clear confirmation of what happened. */
export const doneOutput = z.object({
  ok: z.literal(true),
  userId: z.string(),
  effect: z.string(),
  requestId: z.string(),
});

export function done(userId: string, effect: string, requestId: string): z.output<typeof doneOutput> {
  return { ok: true, userId, effect, requestId };
}
