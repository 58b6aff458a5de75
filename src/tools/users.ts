import { z } from "zod";
import { fingerprint } from "../safety/fingerprint.js";
import { paginationSchema } from "../spec/envelopes.js";
import { userSchema } from "../spec/users.js";
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
import { liveUser, userDetails, userLabel } from "./previews.js";

export const retrieveUserList = defineTool({
  name: "retrieve_user_list",
  description:
    "List the users of the Contabo account, one page at a time, optionally filtered by e-mail substring, enabled or owner. Returns each user's full record (userId, names, email, enabled, totp, emailVerified, locale, roles, owner) and the pagination. Use it first to find a userId for the other tools.",
  input: z.strictObject({
    page,
    size,
    orderBy: orderBy("email, firstName, lastName, enabled, totp, emailVerified, locale, owner"),
    email: z.string().min(1).max(255).optional().describe("Only users whose e-mail contains this text."),
    enabled: z.boolean().optional().describe("Only enabled (true) or disabled (false) users."),
    owner: z.boolean().optional().describe("Only the account owner (true) or only the others (false)."),
  }),
  output: z.object({ users: z.array(userSchema), pagination: paginationSchema, requestId: z.string() }),
  annotations: { title: "List users", ...READ },
  run: async (args, { api, signal }) => {
    const result = await api.retrieveUserList(args, { signal });
    return { users: result.body.data, pagination: result.body._pagination, requestId: result.requestId };
  },
});

export const retrieveUser = defineTool({
  name: "retrieve_user",
  description:
    "Get one user by userId: names, email, emailVerified, enabled, totp (2FA), locale, owner, and their roles with permissions.",
  input: z.strictObject({ userId }),
  output: z.object({ user: userSchema, requestId: z.string() }),
  annotations: { title: "Get user", ...READ },
  run: async ({ userId }, { api, signal }) => {
    const result = await api.retrieveUser(userId, { signal });
    return { user: onlyItem(result, "user"), requestId: result.requestId };
  },
});

export const createUser = defineTool({
  name: "create_user",
  description:
    "Create a user in the Contabo account. Contabo e-mails the new user to verify the address and set a password (no password can be set here). Give role ids to grant access (a user without roles can do nothing); admin rights come from roles. Returns the new userId.",
  input: userFields,
  output: z.object({
    userId: z.string(),
    tenantId: z.string(),
    customerId: z.string(),
    requestId: z.string(),
  }),
  annotations: { title: "Create user", ...ADDITIVE_WRITE },
  run: async (args, { api, signal }) => {
    const result = await api.createUser(args, { signal });
    return { ...onlyItem(result, "created user"), requestId: result.requestId };
  },
});

export const updateUser = defineTool({
  name: "update_user",
  description:
    "Change a user: only the fields given change. enabled=false locks the user out at once (prefer it to deleting); roles replaces all of the user's roles; a new email must be verified again (Contabo e-mails it). Disabling a user, changing roles or e-mail, or turning 2FA off needs the user's confirmation. Returns the fields changed; call retrieve_user to see the result.",
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
    "Delete a user for good: they lose all access to the API and resources, with their object-storage credentials. It cannot be undone and needs the user's confirmation; to lock someone out temporarily use update_user with enabled=false. The account owner cannot be deleted.",
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
