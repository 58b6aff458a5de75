import {
  credentialListQuerySchema,
  credentialSchema,
} from "../../contabo-api-schemas/object-storage-credentials.js";
import { notFound } from "../http-error.js";
import { paginate } from "../pagination.js";
import { type Route, type RouteContext, route } from "../router.js";
import type { StoredCredential } from "../state.js";
import { requireUser } from "./lookups.js";

/** The fields of CredentialData: orderBy may name any of them. */
const CREDENTIAL_FIELDS = Object.keys(credentialSchema.shape);

const CREDENTIAL_PATH = "/v1/users/:userId/object-storages/:objectStorageId/credentials/:credentialId";

function requireCredential({ params, state }: RouteContext): StoredCredential {
  const user = requireUser(state, params.userId);
  const id = params.credentialId ?? "";
  const credential = /^\d{1,15}$/.test(id) ? state.credentials.get(Number(id)) : undefined;
  if (
    !credential ||
    credential.userId !== user.userId ||
    credential.objectStorageId !== params.objectStorageId
  ) {
    throw notFound(
      `Entry Credential not found by credentialId ${id} for object storage ${params.objectStorageId}`,
    );
  }
  return credential;
}

function credentialResponse(context: RouteContext, credential: StoredCredential) {
  const { userId, objectStorageId, credentialId } = credential;
  return {
    status: 200 as const,
    body: {
      data: [context.state.toCredential(credential)],
      _links: { self: `/v1/users/${userId}/object-storages/${objectStorageId}/credentials/${credentialId}` },
    },
  };
}

export const objectStorageCredentialRoutes: Route[] = [
  route({
    method: "GET",
    pattern: "/v1/users/:userId/object-storages/credentials",
    query: credentialListQuerySchema,
    handle: ({ params, query, rawQuery, state }) => {
      const user = requireUser(state, params.userId);
      const displayName = query.displayName?.toLowerCase();
      const credentials = [...state.credentials.values()]
        .filter((c) => c.userId === user.userId)
        .map((c) => state.toCredential(c))
        .filter(
          (c) =>
            (query.objectStorageId === undefined || c.objectStorageId === query.objectStorageId) &&
            (query.regionName === undefined || c.region === query.regionName) &&
            (displayName === undefined || c.displayName.toLowerCase().includes(displayName)),
        );
      const { body, headers } = paginate(
        credentials,
        query,
        CREDENTIAL_FIELDS,
        `/v1/users/${user.userId}/object-storages/credentials`,
        rawQuery,
      );
      return { status: 200, body, headers };
    },
  }),
  route({
    method: "GET",
    pattern: CREDENTIAL_PATH,
    handle: (context) => credentialResponse(context, requireCredential(context)),
  }),
  route({
    method: "PATCH",
    pattern: CREDENTIAL_PATH,
    handle: (context) => {
      const credential = requireCredential(context);
      // The spec: "Regenerates secret key". The access key stays.
      credential.secretKey = context.state.newSecretKey();
      return credentialResponse(context, credential);
    },
  }),
];
