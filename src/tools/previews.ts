import type { UsersApi } from "../client/users-api.js";
import { fingerprint } from "../safety/fingerprint.js";
import { maskSecret } from "../safety/secrets.js";
import type { User } from "../spec/users.js";
import type { Preview, ToolContext } from "./define-tool.js";
import { onlyItem } from "./fields.js";

/** Live data for confirmation previews: what a human needs to recognise the target. */

export async function liveUser(api: UsersApi, userId: string, signal: AbortSignal): Promise<User> {
  return onlyItem(await api.retrieveUser(userId, { signal }), "user");
}

export function userLabel(user: User): string {
  const name = `${user.firstName} ${user.lastName}`.trim();
  return name ? `${user.email} (${name})` : user.email;
}

export function userDetails(user: User): Preview["target"] {
  return {
    userId: user.userId,
    email: user.email,
    name: `${user.firstName} ${user.lastName}`.trim(),
    enabled: user.enabled,
    owner: user.owner,
    roles: user.roles.map((role) => role.name),
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
      `credential ${credential.credentialId} of ${userLabel(user)} on "${credential.displayName}" (${credential.region})`,
    ),
    target: {
      user: userLabel(user),
      objectStorage: credential.displayName,
      region: credential.region,
      credentialId: credential.credentialId,
      accessKey: credential.accessKey,
      secretKey: maskSecret(credential.secretKey),
    },
    fingerprint: fingerprint({ accessKey: credential.accessKey, secretKey: credential.secretKey, user }),
  };
}
