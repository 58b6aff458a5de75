import type { UsersApi } from "../client/users-api.js";
import type { User } from "../contabo-api-schemas/users.js";
import type { Preview } from "../safety/confirmation-types.js";
import { fingerprint } from "../shared/fingerprint.js";
import { maskSecret } from "../shared/secrets.js";
import { quoteUntrusted } from "../shared/untrusted-text.js";
import type { ToolContext } from "./define-tool.js";
import { onlyItem } from "./only-item.js";
import { fullName } from "./outputs.js";

/**
 * Live data for confirmation previews: what a human needs to recognise the target. Sentences quote
 * every value from the API (untrusted-text.ts); `target` holds the raw values, quoted when shown.
 */

export async function liveUser(api: UsersApi, userId: string, signal: AbortSignal): Promise<User> {
  return onlyItem(await api.retrieveUser(userId, { signal }), "user");
}

/** The user as a sentence names them: quoted e-mail and name. */
export function userLabel(user: User): string {
  const name = fullName(user);
  return name ? `${quoteUntrusted(user.email)} (${quoteUntrusted(name)})` : quoteUntrusted(user.email);
}

export function userDetails(user: User): Preview["target"] {
  return {
    userId: user.userId,
    email: user.email,
    name: fullName(user),
    enabled: user.enabled,
    owner: user.owner,
    roles: user.roles.map((role) => `${role.name} (id ${role.roleId})`),
  };
}

/** Preview of an action on one S3 credential: the user, the storage and the keys (secret masked). */
export async function credentialPreview(
  address: { userId: string; objectStorageId: string; credentialId: number },
  describe: (what: string) => string,
  { api, signal }: ToolContext,
): Promise<Preview> {
  const [user, credential] = await Promise.all([
    liveUser(api, address.userId, signal),
    api
      .getObjectStorageCredentials(address.userId, address.objectStorageId, address.credentialId, { signal })
      .then((result) => onlyItem(result, "credential")),
  ]);
  return {
    action: describe(
      `credential ${credential.credentialId} of ${userLabel(user)} on ${quoteUntrusted(credential.displayName)} (${quoteUntrusted(credential.region)})`,
    ),
    target: {
      user: user.email,
      objectStorage: credential.displayName,
      region: credential.region,
      credentialId: credential.credentialId,
      accessKey: credential.accessKey,
      secretKey: maskSecret(credential.secretKey),
    },
    fingerprint: fingerprint({ accessKey: credential.accessKey, secretKey: credential.secretKey, user }),
  };
}

/**
 * The id of the newest audit record of a user, or of the whole account when no user is given: part
 * of the target's state for confirmations, so that a confirmation made before a change and its
 * reversal (grant, revoke; create, delete) does not apply again after.
 */
export async function latestChangeOf(
  api: UsersApi,
  userId: string | undefined,
  signal: AbortSignal,
): Promise<number | null> {
  const query = { ...(userId === undefined ? {} : { userId }), orderBy: ["id:desc"], size: 1 };
  const result = await api.retrieveUserAudits(query, { signal });
  return result.body.data[0]?.id ?? null;
}
