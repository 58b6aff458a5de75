import { z } from "zod";
import { dataEnvelope } from "./envelopes.js";

/** `ClientResponse`: the caller's API client (OAuth2 client id and secret). */
export const apiClientSchema = z.object({
  tenantId: z.string(),
  customerId: z.string(),
  id: z.string(),
  clientId: z.string(),
  secret: z.string(),
});
export type ApiClient = z.infer<typeof apiClientSchema>;

export const clientSecretSchema = z.object({
  tenantId: z.string(),
  customerId: z.string(),
  secret: z.string(),
});

export const findClientResponseSchema = dataEnvelope(apiClientSchema);
export const generateClientSecretResponseSchema = dataEnvelope(clientSecretSchema);
