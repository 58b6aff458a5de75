import { z } from "zod";
import type { Credential } from "../contabo-api-schemas/object-storage-credentials.js";
import { fingerprint } from "../shared/fingerprint.js";
import { defineTool } from "./define-tool.js";
import {
  credentialId,
  objectStorageId,
  objectStorageIdFilter,
  orderBy,
  page,
  reveal,
  size,
  userId,
} from "./fields.js";
import { onlyItem } from "./only-item.js";
import { credentialOutput, credentialResult, paginationOutput, shownSecret } from "./outputs.js";
import { credentialPreview, liveUser, userLabel } from "./previews.js";
import { warningsOutput, withWarnings } from "./warnings.js";

const shown = (credential: Credential, revealed: boolean | undefined) =>
  credentialResult(credential, shownSecret(credential.secretKey, revealed));

export const listObjectStorageCredentials = defineTool({
  name: "list_object_storage_credentials",
  input: z.strictObject({
    userId,
    page,
    size,
    orderBy: orderBy("displayName:asc"),
    objectStorageId: objectStorageIdFilter.optional(),
    regionName: z.string().min(1).max(100).optional().describe('e.g. "European Union"'),
    displayName: z.string().min(1).max(255).optional().describe("Substring of the storage's name."),
    reveal,
  }),
  output: z.object({
    credentials: z.array(credentialOutput),
    pagination: paginationOutput,
    requestId: z.string(),
    warnings: warningsOutput,
  }),
  confirm: {
    when: (args) => args.reveal === true,
    kinds: () => ["reveal-secret"],
    preview: async ({ userId, reveal: _, ...query }, { api, signal }) => {
      const [user, listed] = await Promise.all([
        liveUser(api, userId, signal),
        api.listObjectStorageCredentials(userId, query, { signal }),
      ]);
      const credentials = listed.body.data;
      return {
        action: `Show the full S3 secret keys of ${credentials.length} credential(s) of ${userLabel(user)} in this conversation.`,
        target: {
          user: user.email,
          credentials: credentials.map(
            (c) => `${c.credentialId}: ${c.displayName} (${c.region}), ${c.accessKey}`,
          ),
        },
        fingerprint: fingerprint(credentials.map((c) => [c.credentialId, c.accessKey, c.secretKey])),
      };
    },
  },
  run: async ({ userId, reveal, ...query }, { api, signal }) => {
    const result = await api.listObjectStorageCredentials(userId, query, { signal });
    return {
      credentials: result.body.data.map((credential) => shown(credential, reveal)),
      pagination: result.body._pagination,
      requestId: result.requestId,
      ...withWarnings(result.body.warnings),
    };
  },
});

const credentialAddress = { userId, objectStorageId, credentialId, reveal };

export const getObjectStorageCredentials = defineTool({
  name: "get_object_storage_credentials",
  input: z.strictObject(credentialAddress),
  output: z.object({ credential: credentialOutput, requestId: z.string() }),
  confirm: {
    when: (args) => args.reveal === true,
    kinds: () => ["reveal-secret"],
    preview: (args, context) =>
      credentialPreview(
        args,
        (credential) => `Show the full S3 secret key of ${credential} in this conversation.`,
        context,
      ),
  },
  run: async ({ userId, objectStorageId, credentialId, reveal }, { api, signal }) => {
    const result = await api.getObjectStorageCredentials(userId, objectStorageId, credentialId, { signal });
    return { credential: shown(onlyItem(result, "credential"), reveal), requestId: result.requestId };
  },
});

export const regenerateObjectStorageCredentials = defineTool({
  name: "regenerate_object_storage_credentials",
  input: z.strictObject(credentialAddress),
  output: z.object({ credential: credentialOutput, effect: z.string(), requestId: z.string() }),
  confirm: {
    when: () => true,
    kinds: () => ["rotate-s3-key"],
    preview: (args, context) =>
      credentialPreview(
        args,
        (credential) =>
          `Issue a new S3 secret key for ${credential}: the current secret key stops working at once for every S3 client using it; the access key stays the same${args.reveal ? "; the new secret key is shown in full in this conversation" : ""}.`,
        context,
      ),
  },
  run: async ({ userId, objectStorageId, credentialId, reveal }, { api, signal }) => {
    const result = await api.regenerateObjectStorageCredentials(userId, objectStorageId, credentialId, {
      signal,
    });
    return {
      credential: shown(onlyItem(result, "credential"), reveal),
      effect:
        "A new S3 secret key was issued; the old secret key no longer works. The access key is unchanged.",
      requestId: result.requestId,
    };
  },
});
