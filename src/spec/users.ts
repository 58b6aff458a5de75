import { z } from "zod";
import { localeSchema, wholeNumber } from "./common.js";
import { dataEnvelope, linksOnlyEnvelope, listEnvelope, pagingQuerySchema } from "./envelopes.js";

export const PERMISSION_ACTIONS = ["CREATE", "READ", "UPDATE", "DELETE"] as const;

export const permissionSchema = z.object({
  apiName: z.string(),
  actions: z.array(z.enum(PERMISSION_ACTIONS)),
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

/** `UserResponse`: all twelve fields required; `roles` are full role objects. */
export const userSchema = z.object({
  tenantId: z.string(),
  customerId: z.string(),
  userId: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  emailVerified: z.boolean(),
  enabled: z.boolean(),
  totp: z.boolean(),
  locale: localeSchema,
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

export const listUserResponseSchema = listEnvelope(userSchema);
export const findUserResponseSchema = dataEnvelope(userSchema);
export const createUserResponseSchema = dataEnvelope(
  z.object({ tenantId: z.string(), customerId: z.string(), userId: z.string() }),
);
export const updateUserResponseSchema = linksOnlyEnvelope;
export const listRoleResponseSchema = listEnvelope(roleSchema);
export const findRoleResponseSchema = dataEnvelope(roleSchema);

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
