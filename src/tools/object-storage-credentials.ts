import { z } from "zod";
import { paginationSchema } from "../spec/envelopes.js";
import { credentialSchema } from "../spec/object-storage-credentials.js";
import { DESTRUCTIVE_WRITE, defineTool, READ } from "./define-tool.js";
import { credentialId, objectStorageId, onlyItem, orderBy, page, size, userId } from "./fields.js";

export const listObjectStorageCredentials = defineTool({
  name: "list_object_storage_credentials",
  description:
    "List a user's S3 credentials (accessKey, secretKey) for the account's object storages, with credentialId, objectStorageId, storage name and region. Filter by storage, region or name. Use it to find the ids for get/regenerate.",
  input: z.strictObject({
    userId,
    page,
    size,
    orderBy: orderBy("credentialId, displayName, region, objectStorageId"),
    objectStorageId: objectStorageId.optional().describe("Only credentials of this object storage."),
    regionName: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe('Only this region, e.g. "European Union", "United States (Central)", "Asia (Singapore)".'),
    displayName: z
      .string()
      .min(1)
      .max(255)
      .optional()
      .describe("Only storages whose name contains this text."),
  }),
  output: z.object({
    credentials: z.array(credentialSchema),
    pagination: paginationSchema,
    requestId: z.string(),
  }),
  annotations: { title: "List object storage credentials", ...READ },
  run: async ({ userId, ...query }, { api, signal }) => {
    const result = await api.listObjectStorageCredentials(userId, query, { signal });
    return {
      credentials: result.body.data,
      pagination: result.body._pagination,
      requestId: result.requestId,
    };
  },
});

const credentialAddress = z.strictObject({ userId, objectStorageId, credentialId });

export const getObjectStorageCredentials = defineTool({
  name: "get_object_storage_credentials",
  description:
    "Get one S3 credential of a user (accessKey and secretKey) by userId, objectStorageId and credentialId.",
  input: credentialAddress,
  output: z.object({ credential: credentialSchema, requestId: z.string() }),
  annotations: { title: "Get object storage credential", ...READ },
  run: async ({ userId, objectStorageId, credentialId }, { api, signal }) => {
    const result = await api.getObjectStorageCredentials(userId, objectStorageId, credentialId, { signal });
    return { credential: onlyItem(result, "credential"), requestId: result.requestId };
  },
});

export const regenerateObjectStorageCredentials = defineTool({
  name: "regenerate_object_storage_credentials",
  description:
    "Replace a user's S3 credential with a new accessKey and secretKey. The old keys stop working at once: every S3 client using them loses access until given the new ones. Returns the new keys.",
  input: credentialAddress,
  output: z.object({ credential: credentialSchema, effect: z.string(), requestId: z.string() }),
  annotations: { title: "Regenerate object storage credential", ...DESTRUCTIVE_WRITE },
  run: async ({ userId, objectStorageId, credentialId }, { api, signal }) => {
    const result = await api.regenerateObjectStorageCredentials(userId, objectStorageId, credentialId, {
      signal,
    });
    return {
      credential: onlyItem(result, "credential"),
      effect: "New S3 keys were issued; the old ones no longer work.",
      requestId: result.requestId,
    };
  },
});
