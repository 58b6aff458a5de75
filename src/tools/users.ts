import { z } from "zod";
import { fingerprint } from "../shared/fingerprint.js";
import { quoteUntrusted } from "../shared/untrusted-text.js";
import { defineTool } from "./define-tool.js";
import { userFields, userId } from "./fields.js";
import { onlyItem } from "./only-item.js";
import { done, doneOutput, userOutput, userResult } from "./outputs.js";
import { latestChangeOf, liveUser, userDetails, userLabel } from "./previews.js";
import { describeRoles, roleIdsFor } from "./role-names.js";
import { warningsOutput, withWarnings } from "./warnings.js";

export const retrieveUser = defineTool({
  name: "retrieve_user",
  input: z.strictObject({ userId }),
  output: z.object({ user: userOutput, requestId: z.string(), warnings: warningsOutput }),
  run: async ({ userId }, { api, signal }) => {
    const result = await api.retrieveUser(userId, { signal });
    return {
      user: userResult(onlyItem(result, "user")),
      requestId: result.requestId,
      ...withWarnings(result.body.warnings),
    };
  },
});

export const createUser = defineTool({
  name: "create_user",
  input: userFields,
  output: z.object({ userId: z.string(), requestId: z.string() }),
  mails: (args) => ({ to: args.email, invitation: true }),
  confirm: {
    // The invited address becomes a lasting member with these rights.
    when: (args) => args.roles !== undefined && args.roles.length > 0,
    kinds: () => ["grant-roles"],
    preview: async ({ email, firstName, lastName, roles = [], enabled, totp, locale }, { api, signal }) => {
      const [{ roleIds, described, known }, latestChange] = await Promise.all([
        describeRoles(roles, api, signal),
        latestChangeOf(api, undefined, signal),
      ]);
      const name = `${firstName ?? ""} ${lastName ?? ""}`.trim();
      return {
        action: `Invite ${quoteUntrusted(email)}${name ? ` (${quoteUntrusted(name)})` : ""} as a new user of this account with ${described.length === 1 ? "the role" : "the roles"} ${described.join("; ")}. Contabo e-mails them an invitation; once they set a password, they have these rights until removed.`,
        target: {
          email,
          name,
          enabled,
          twoFactorRequired: totp,
          locale,
          roles: known
            .filter((role) => roleIds.includes(role.roleId))
            .map((role) => `${role.name} (id ${role.roleId})`),
        },
        // The roles as they are now: a role edited between the question and the answer voids it.
        // And the account's newest change: once the user was created (or created and deleted), it is void.
        fingerprint: fingerprint({
          email,
          roleIds,
          roles: known.filter((role) => roleIds.includes(role.roleId)),
          latestChange,
        }),
      };
    },
  },
  run: async ({ roles, ...args }, { api, signal }) => {
    const result = await api.createUser({ ...args, roles: await roleIdsFor(roles, api, signal) }, { signal });
    return { userId: onlyItem(result, "created user").userId, requestId: result.requestId };
  },
});

export const updateUser = defineTool({
  name: "update_user",
  input: z
    .strictObject({ userId, ...userFields.partial().shape })
    .refine(({ userId: _, ...changes }) => Object.keys(changes).length > 0, {
      error: "Give at least one field to change besides userId",
    }),
  output: z.object({
    ok: z.literal(true),
    userId: z.string(),
    updated: z.array(z.string()),
    requestId: z.string(),
  }),
  mails: (args) => (args.email === undefined ? undefined : { to: args.userId }),
  confirm: {
    // What changes who can get in: access (either way), rights, where password resets go, the second factor.
    when: (args) =>
      args.enabled !== undefined ||
      args.roles !== undefined ||
      args.email !== undefined ||
      args.totp === false,
    kinds: (args) => [
      ...(args.roles === undefined
        ? []
        : args.roles.length > 0
          ? ["grant-roles" as const]
          : ["remove-roles" as const]),
      ...(args.enabled === true
        ? ["re-enable" as const]
        : args.enabled === false
          ? ["disable" as const]
          : []),
      ...(args.email === undefined ? [] : ["change-email" as const]),
      ...(args.totp === false ? ["turn-off-2fa" as const] : []),
    ],
    preview: async (
      { userId, enabled, roles, email, totp, firstName, lastName, locale },
      { api, signal },
    ) => {
      // Unknown role names fail here, before anyone is asked to confirm an impossible change.
      const [granted, user, latestChange] = await Promise.all([
        roles === undefined || roles.length === 0 ? undefined : describeRoles(roles, api, signal),
        liveUser(api, userId, signal),
        latestChangeOf(api, userId, signal),
      ]);
      const current = user.roles.map((role) => `${quoteUntrusted(role.name)} (id ${role.roleId})`).join(", ");
      const effects = [
        ...(enabled === false ? ["disable them: they can no longer log in"] : []),
        ...(enabled === true
          ? [user.enabled ? "keep them enabled (they are already)" : "re-enable them: they can log in again"]
          : []),
        ...(email === undefined
          ? []
          : [`change their e-mail to ${quoteUntrusted(email)}: password resets go there from now on`]),
        ...(totp === false ? ["turn off their two-factor authentication"] : []),
        ...(totp === true ? ["require two-factor authentication"] : []),
        ...(roles === undefined
          ? []
          : [
              granted === undefined
                ? "remove all their roles"
                : `replace their roles (${current || "none"}) with ${granted.described.join("; ")}`,
            ]),
        // The yes covers the whole call: the harmless changes in it are shown too.
        ...(firstName === undefined ? [] : [`set their first name to ${quoteUntrusted(firstName)}`]),
        ...(lastName === undefined ? [] : [`set their last name to ${quoteUntrusted(lastName)}`]),
        ...(locale === undefined ? [] : [`set their language to ${locale}`]),
      ];
      return {
        action: `Change the user ${userLabel(user)}: ${effects.join("; ")}.`,
        target: userDetails(user),
        // The resolved roles too: a role renamed or edited between the question and the answer voids it.
        fingerprint: fingerprint({
          user,
          latestChange,
          roles: granted?.known.filter((role) => granted.roleIds.includes(role.roleId)),
        }),
      };
    },
  },
  run: async ({ userId, ...changes }, { api, signal }) => {
    const { roles, ...rest } = changes;
    const roleIds = await roleIdsFor(roles, api, signal);
    const result = await api.updateUser(
      userId,
      { ...rest, ...(roleIds ? { roles: roleIds } : {}) },
      { signal },
    );
    return { ok: true as const, userId, updated: Object.keys(changes), requestId: result.requestId };
  },
});

export const deleteUser = defineTool({
  name: "delete_user",
  input: z.strictObject({ userId }),
  output: doneOutput,
  confirm: {
    when: () => true,
    kinds: () => ["delete-user"],
    preview: async ({ userId }, { api, signal }) => {
      const [user, latestChange] = await Promise.all([
        liveUser(api, userId, signal),
        latestChangeOf(api, userId, signal),
      ]);
      return {
        action: `Delete the user ${userLabel(user)} for good: they lose all access, with their object-storage credentials.`,
        target: userDetails(user),
        fingerprint: fingerprint({ user, latestChange }),
        typeToConfirm: { label: "Type the user's e-mail to delete them", value: user.email },
      };
    },
  },
  run: async ({ userId }, { api, signal }) => {
    const result = await api.deleteUser(userId, { signal });
    return done(userId, "The user was deleted.", result.requestId);
  },
});
