import { notFound } from "../http-error.js";
import { paginate } from "../pagination.js";
import { parseQuery } from "../query.js";
import type { Route, RouteContext } from "../router.js";
import type { StoredCredential } from "../state.js";
import { requireUser } from "./lookups.js";

const CREDENTIAL_PATH = "/v1/users/:userId/object-storages/:objectStorageId/credentials/:credentialId";

function requireCredential({ params, state }: RouteContext): StoredCredential {
  const user = requireUser(state, params.userId);
  const id = params.credentialId ?? "";
  if (!/^\d{1,15}$/.test(id)) throw notFound(`Entry Credential not found by credentialId ${id}`);
  const credential = state.credentials.get(Number(id));
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

function credentialLinks(credential: StoredCredential) {
  return {
    self: `/v1/users/${credential.userId}/object-storages/${credential.objectStorageId}/credentials/${credential.credentialId}`,
  };
}

export const objectStorageCredentialRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/v1/users/:userId/object-storages/credentials",
    handle: ({ params, query, state }) => {
      const q = parseQuery(query, {
        page: "integer",
        size: "integer",
        orderBy: "string[]",
        objectStorageId: "string",
        regionName: "string",
        displayName: "string",
      });
      const user = requireUser(state, params.userId);
      const displayName = q.displayName?.toLowerCase();
      const credentials = [...state.credentials.values()]
        .filter((c) => c.userId === user.userId)
        .map((c) => state.toCredential(c))
        .filter(
          (c) =>
            (q.objectStorageId === undefined || c.objectStorageId === q.objectStorageId) &&
            (q.regionName === undefined || c.region === q.regionName) &&
            (displayName === undefined || c.displayName.toLowerCase().includes(displayName)),
        );
      const page = paginate(
        credentials,
        q,
        {
          credentialId: (c) => c.credentialId,
          displayName: (c) => c.displayName,
          region: (c) => c.region,
          objectStorageId: (c) => c.objectStorageId,
          accessKey: (c) => c.accessKey,
        },
        `/v1/users/${user.userId}/object-storages/credentials`,
        query,
      );
      return { status: 200, body: page };
    },
  },
  {
    method: "GET",
    pattern: CREDENTIAL_PATH,
    handle: (context) => {
      parseQuery(context.query, {});
      const credential = requireCredential(context);
      return {
        status: 200,
        body: { data: [context.state.toCredential(credential)], _links: credentialLinks(credential) },
      };
    },
  },
  {
    method: "PATCH",
    pattern: CREDENTIAL_PATH,
    handle: (context) => {
      parseQuery(context.query, {});
      const credential = requireCredential(context);
      Object.assign(credential, context.state.newS3Keys());
      return {
        status: 200,
        body: { data: [context.state.toCredential(credential)], _links: credentialLinks(credential) },
      };
    },
  },
];
