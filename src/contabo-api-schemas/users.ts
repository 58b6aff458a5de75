import { z } from "zod";
import { LOCALES, localeSchema, wholeNumber } from "./common.js";
import { dataEnvelope, linksOnlyEnvelope, pagingQuerySchema } from "./envelopes.js";
import {
  nullableName,
  openEnum,
  type RecordKind,
  tolerantDataEnvelope,
  tolerantListEnvelope,
  unknownValue,
} from "./tolerant-records.js";

export const PERMISSION_ACTIONS = ["CREATE", "READ", "UPDATE", "DELETE"] as const;

export const permissionSchema = z.object({
  apiName: z.string(),
  actions: z.array(openEnum(PERMISSION_ACTIONS)),
  resources: z.array(z.object({ tagId: wholeNumber, tagName: z.string() })).optional(),
});

export const roleSchema = z.object({
  roleId: wholeNumber,
  tenantId: z.string(),
  customerId: z.string(),
  name: z.string(),
  admin: z.boolean(),
  accessAllResources: z.boolean(),
  type: z.string(),
  permissions: z.array(permissionSchema).optional(),
});
export type Role = z.infer<typeof roleSchema>;

/**
 * `UserResponse`: all twelve fields required by the spec; `roles` are full role objects. Read
 * tolerantly: a locale outside the enum comes through, and names may be null or missing (the spec
 * lets a user be created without them).
 */
export const userSchema = z.object({
  tenantId: z.string(),
  customerId: z.string(),
  userId: z.string().min(1),
  firstName: nullableName,
  lastName: nullableName,
  email: z.string(),
  emailVerified: z.boolean(),
  enabled: z.boolean(),
  totp: z.boolean(),
  locale: openEnum(LOCALES),
  roles: z.array(roleSchema),
  owner: z.boolean(),
});
export type User = z.infer<typeof userSchema>;

const name = z.string().min(1).max(255);

/** `CreateUserRequest`, with the spec's constraints (and descriptions that the tools publish). */
export const createUserRequestSchema = z.object({
  firstName: name.optional(),
  lastName: name.optional(),
  email: z.string().min(1).max(255),
  enabled: z.boolean().describe("false: cannot log in."),
  totp: z.boolean().describe("Require 2FA."),
  locale: localeSchema,
  roles: z.array(wholeNumber).optional(),
});
export type CreateUserRequest = z.infer<typeof createUserRequestSchema>;

/** `UpdateUserRequest`: the same properties, none required. */
export const updateUserRequestSchema = createUserRequestSchema.partial();
export type UpdateUserRequest = z.infer<typeof updateUserRequestSchema>;

/**
 * What is unusual about a role as read: permission actions outside the spec's enum, each once.
 * Loops rather than arrays of arrays: it runs for every role of every user of every page.
 */
function roleOddities(role: Role): string[] {
  const odd: string[] = [];
  for (const permission of role.permissions ?? []) {
    for (const action of permission.actions) {
      for (const oddity of unknownValue("permission action", PERMISSION_ACTIONS, action)) {
        if (!odd.includes(oddity)) odd.push(oddity);
      }
    }
  }
  return odd;
}

export const userRecords: RecordKind<User> = {
  noun: "user",
  idField: "userId",
  schema: userSchema,
  oddities: (user) => [
    ...unknownValue("locale", LOCALES, user.locale),
    ...user.roles.flatMap((role) => roleOddities(role).map((oddity) => `role ${role.roleId}: ${oddity}`)),
  ],
};

export const roleRecords: RecordKind<Role> = {
  noun: "role",
  idField: "roleId",
  schema: roleSchema,
  oddities: roleOddities,
};

export const listUserResponseSchema = tolerantListEnvelope(userRecords);
export const findUserResponseSchema = tolerantDataEnvelope(userRecords);
export const createUserResponseSchema = dataEnvelope(
  z.object({ tenantId: z.string(), customerId: z.string(), userId: z.string() }),
);
export const updateUserResponseSchema = linksOnlyEnvelope;
export const listRoleResponseSchema = tolerantListEnvelope(roleRecords);
export const findRoleResponseSchema = tolerantDataEnvelope(roleRecords);

/** `UserIsPasswordSetResponse`: whether the user has set a password for their account. */
export const isPasswordSetSchema = z.object({
  tenantId: z.string(),
  customerId: z.string(),
  isPasswordSet: z.boolean(),
});
export const findIsPasswordSetResponseSchema = dataEnvelope(isPasswordSetSchema);

/** Query of GET /v1/users/is-password-set: `userId` is optional (the spec does not say whose then). */
export const isPasswordSetQuerySchema = z.object({ userId: z.string().optional() });
export type IsPasswordSetQuery = z.infer<typeof isPasswordSetQuerySchema>;

/** Query of GET /v1/users: `email` is a substring match. */
export const userListQuerySchema = pagingQuerySchema.extend({
  email: z.string().optional(),
  enabled: z.boolean().optional(),
  owner: z.boolean().optional(),
});
export type UserListQuery = z.infer<typeof userListQuerySchema>;

/** Query of the two e-mail operations (reset-password, resend-email-verification). */
export const emailActionQuerySchema = z.object({ redirectUrl: z.string().optional() });
export type EmailActionQuery = z.infer<typeof emailActionQuerySchema>;

/** Query of GET /v1/roles: `name` is a substring, `type` is default or custom. */
export const roleListQuerySchema = pagingQuerySchema.extend({
  name: z.string().optional(),
  apiName: z.string().optional(),
  tagName: z.string().optional(),
  type: z.string().optional(),
});
export type RoleListQuery = z.infer<typeof roleListQuerySchema>;
