import { z } from "zod";
import { fingerprint } from "../safety/fingerprint.js";
import { paginationSchema } from "../spec/envelopes.js";
import { ADDITIVE_WRITE, DESTRUCTIVE_IDEMPOTENT_WRITE, defineTool, READ } from "./define-tool.js";
import {
  confirmationToken,
  done,
  doneOutput,
  onlyItem,
  orderBy,
  page,
  size,
  userFields,
  userId,
} from "./fields.js";
import { userOutput, userResult } from "./outputs.js";
import { liveUser, userDetails, userLabel } from "./previews.js";

export const retrieveUserList = defineTool({
  name: "retrieve_user_list",
  description:
    "List the account's users, a page at a time, filtered by e-mail substring, enabled or owner. Start here to find a userId.",
  input: z.strictObject({
    page,
    size,
    orderBy: orderBy("email, firstName, lastName, enabled, totp, emailVerified, locale, owner"),
    email: z.string().min(1).max(255).optional().describe("Substring of the e-mail."),
    enabled: z.boolean().optional(),
    owner: z.boolean().optional(),
  }),
  output: z.object({ users: z.array(userOutput), pagination: paginationSchema, requestId: z.string() }),
  annotations: { title: "List users", ...READ },
  run: async (args, { api, signal }) => {
    const result = await api.retrieveUserList(args, { signal });
    return {
      users: result.body.data.map(userResult),
      pagination: result.body._pagination,
      requestId: result.requestId,
    };
  },
});

export const retrieveUser = defineTool({
  name: "retrieve_user",
  description: "Get one user, with their roles and permissions.",
  input: z.strictObject({ userId }),
  output: z.object({ user: userOutput, requestId: z.string() }),
  annotations: { title: "Get user", ...READ },
  run: async ({ userId }, { api, signal }) => {
    const result = await api.retrieveUser(userId, { signal });
    return { user: userResult(onlyItem(result, "user")), requestId: result.requestId };
  },
});

export const createUser = defineTool({
  name: "create_user",
  description:
    "Create a user. Contabo e-mails them to verify the address and set a password. Access comes from role ids: without roles a user can do nothing.",
  input: userFields,
  output: z.object({ userId: z.string(), requestId: z.string() }),
  annotations: { title: "Create user", ...ADDITIVE_WRITE },
  run: async (args, { api, signal }) => {
    const result = await api.createUser(args, { signal });
    return { userId: onlyItem(result, "created user").userId, requestId: result.requestId };
  },
});

export const updateUser = defineTool({
  name: "update_user",
  description:
    "Change the given fields of a user. enabled=false locks them out at once (prefer it to deleting); roles replaces all roles; a new e-mail must be verified again. Disabling, roles, e-mail and turning 2FA off ask the user first.",
  input: z
    .strictObject({ userId, ...userFields.partial().shape, confirmationToken })
    .refine(({ userId: _, confirmationToken: __, ...changes }) => Object.keys(changes).length > 0, {
      error: "Give at least one field to change besides userId",
    }),
  output: z.object({
    ok: z.literal(true),
    userId: z.string(),
    updated: z.array(z.string()),
    requestId: z.string(),
  }),
  annotations: { title: "Update user", ...DESTRUCTIVE_IDEMPOTENT_WRITE },
  emailRecipient: (args) => (args.email === undefined ? undefined : args.userId),
  confirm: {
    // What changes who can get in: access, rights, where password resets go, the second factor.
    when: (args) =>
      args.enabled === false || args.roles !== undefined || args.email !== undefined || args.totp === false,
    preview: async ({ userId, enabled, roles, email, totp }, { api, signal }) => {
      const user = await liveUser(api, userId, signal);
      const effects = [
        ...(enabled === false ? ["disable them: they can no longer log in"] : []),
        ...(email === undefined
          ? []
          : [`change their e-mail to ${email}: password resets go there from now on`]),
        ...(totp === false ? ["turn off their two-factor authentication"] : []),
        ...(roles === undefined
          ? []
          : [
              roles.length === 0
                ? "remove all their roles"
                : `replace their roles (${user.roles.map((r) => r.name).join(", ") || "none"}) with role ids ${roles.join(", ")}`,
            ]),
      ];
      return {
        action: `Change the user ${userLabel(user)}: ${effects.join("; ")}.`,
        target: userDetails(user),
        fingerprint: fingerprint(user),
      };
    },
  },
  run: async ({ userId, confirmationToken: _, ...changes }, { api, signal }) => {
    const result = await api.updateUser(userId, changes, { signal });
    return { ok: true as const, userId, updated: Object.keys(changes), requestId: result.requestId };
  },
});

export const deleteUser = defineTool({
  name: "delete_user",
  description:
    "Delete a user for good, with their S3 credentials; asks the user first. To lock someone out for a while, use update_user with enabled=false. The owner cannot be deleted.",
  input: z.strictObject({ userId, confirmationToken }),
  output: doneOutput,
  annotations: { title: "Delete user", ...DESTRUCTIVE_IDEMPOTENT_WRITE },
  confirm: {
    when: () => true,
    preview: async ({ userId }, { api, signal }) => {
      const user = await liveUser(api, userId, signal);
      return {
        action: `Delete the user ${userLabel(user)} for good: they lose all access, with their object-storage credentials.`,
        target: userDetails(user),
        fingerprint: fingerprint(user),
        typeToConfirm: { label: "Type the user's e-mail to delete them", value: user.email },
      };
    },
  },
  run: async ({ userId }, { api, signal }) => {
    const result = await api.deleteUser(userId, { signal });
    return done(userId, "The user was deleted.", result.requestId);
  },
});
