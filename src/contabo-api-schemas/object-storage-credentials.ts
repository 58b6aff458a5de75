import { z } from "zod";
import { wholeNumber } from "./common.js";
import { dataEnvelope, listEnvelope, pagingQuerySchema } from "./envelopes.js";

/** `CredentialData`: S3 keys of one user for one object storage. */
export const credentialSchema = z.object({
  tenantId: z.string(),
  customerId: z.string(),
  accessKey: z.string(),
  secretKey: z.string(),
  objectStorageId: z.string(),
  displayName: z.string(),
  region: z.string(),
  credentialId: wholeNumber,
});
export type Credential = z.infer<typeof credentialSchema>;

export const listCredentialResponseSchema = listEnvelope(credentialSchema);
export const findCredentialResponseSchema = dataEnvelope(credentialSchema);

/** Query of GET /v1/users/{userId}/object-storages/credentials. */
export const credentialListQuerySchema = pagingQuerySchema.extend({
  objectStorageId: z.string().optional(),
  regionName: z.string().optional(),
  displayName: z.string().optional(),
});
export type CredentialListQuery = z.infer<typeof credentialListQuerySchema>;
