import type { z } from "zod";
import { listUserAuditResponseSchema, type UserAuditQuery } from "../contabo-api-schemas/audits.js";
import {
  findClientResponseSchema,
  generateClientSecretResponseSchema,
} from "../contabo-api-schemas/client-secret.js";
import {
  type CredentialListQuery,
  findCredentialResponseSchema,
  listCredentialResponseSchema,
} from "../contabo-api-schemas/object-storage-credentials.js";
import {
  type CreateUserRequest,
  createUserResponseSchema,
  type EmailActionQuery,
  findIsPasswordSetResponseSchema,
  findRoleResponseSchema,
  findUserResponseSchema,
  type IsPasswordSetQuery,
  listRoleResponseSchema,
  listUserResponseSchema,
  type RoleListQuery,
  type UpdateUserRequest,
  type UserListQuery,
  updateUserResponseSchema,
} from "../contabo-api-schemas/users.js";
import { apiPath } from "./api-path.js";
import type { ApiResponse, RequestPipeline } from "./request-pipeline.js";
import type { TokenProvider } from "./token-provider.js";

export interface CallOptions {
  /** Aborts the HTTP request (an MCP cancellation of the tool call). */
  signal?: AbortSignal;
}

type Result<S extends z.ZodType> = Promise<ApiResponse<z.output<S>>>;
type NoContent = Promise<ApiResponse<undefined>>;

/** The 13 operations of the Users API (the 12 and is-password-set), plus roles, user audits and who is logged in. Tools depend on this interface, not on HTTP. */
export interface UsersApi {
  retrieveUserList(query: UserListQuery, options?: CallOptions): Result<typeof listUserResponseSchema>;
  createUser(body: CreateUserRequest, options?: CallOptions): Result<typeof createUserResponseSchema>;
  retrieveUser(userId: string, options?: CallOptions): Result<typeof findUserResponseSchema>;
  updateUser(
    userId: string,
    body: UpdateUserRequest,
    options?: CallOptions,
  ): Result<typeof updateUserResponseSchema>;
  deleteUser(userId: string, options?: CallOptions): NoContent;
  resetPassword(userId: string, query: EmailActionQuery, options?: CallOptions): NoContent;
  resendEmailVerification(userId: string, query: EmailActionQuery, options?: CallOptions): NoContent;
  retrieveUserIsPasswordSet(
    query: IsPasswordSetQuery,
    options?: CallOptions,
  ): Result<typeof findIsPasswordSetResponseSchema>;
  retrieveUserClient(options?: CallOptions): Result<typeof findClientResponseSchema>;
  generateClientSecret(options?: CallOptions): Result<typeof generateClientSecretResponseSchema>;
  listObjectStorageCredentials(
    userId: string,
    query: CredentialListQuery,
    options?: CallOptions,
  ): Result<typeof listCredentialResponseSchema>;
  getObjectStorageCredentials(
    userId: string,
    objectStorageId: string,
    credentialId: number,
    options?: CallOptions,
  ): Result<typeof findCredentialResponseSchema>;
  regenerateObjectStorageCredentials(
    userId: string,
    objectStorageId: string,
    credentialId: number,
    options?: CallOptions,
  ): Result<typeof findCredentialResponseSchema>;
  retrieveRoleList(query: RoleListQuery, options?: CallOptions): Result<typeof listRoleResponseSchema>;
  retrieveRole(roleId: number, options?: CallOptions): Result<typeof findRoleResponseSchema>;
  retrieveUserAudits(
    query: UserAuditQuery,
    options?: CallOptions,
  ): Result<typeof listUserAuditResponseSchema>;
  /** The caller's own userId: the `sub` claim of the access token (cntb reads it the same way). */
  callerUserId(options?: CallOptions): Promise<string | undefined>;
}

/** UsersApi over HTTP: each method names its route and response schema; the pipeline does the rest. */
export function createHttpUsersApi(pipeline: RequestPipeline, tokens: TokenProvider): UsersApi {
  const credentialPath = (userId: string, objectStorageId: string, credentialId: number) =>
    apiPath`/v1/users/${userId}/object-storages/${objectStorageId}/credentials/${credentialId}`;
  return {
    retrieveRoleList: (query, { signal } = {}) =>
      pipeline.send({ method: "GET", path: "/v1/roles", query, response: listRoleResponseSchema, signal }),
    retrieveRole: (roleId, { signal } = {}) =>
      pipeline.send({
        method: "GET",
        path: apiPath`/v1/roles/${roleId}`,
        response: findRoleResponseSchema,
        signal,
      }),
    retrieveUserAudits: (query, { signal } = {}) =>
      pipeline.send({
        method: "GET",
        path: "/v1/users/audits",
        query,
        response: listUserAuditResponseSchema,
        signal,
      }),
    callerUserId: async ({ signal } = {}) => subjectOf(await tokens.getToken(signal)),
    retrieveUserList: (query, { signal } = {}) =>
      pipeline.send({ method: "GET", path: "/v1/users", query, response: listUserResponseSchema, signal }),
    createUser: (body, { signal } = {}) =>
      pipeline.send({ method: "POST", path: "/v1/users", body, response: createUserResponseSchema, signal }),
    retrieveUser: (userId, { signal } = {}) =>
      pipeline.send({
        method: "GET",
        path: apiPath`/v1/users/${userId}`,
        response: findUserResponseSchema,
        signal,
      }),
    updateUser: (userId, body, { signal } = {}) =>
      pipeline.send({
        method: "PATCH",
        path: apiPath`/v1/users/${userId}`,
        body,
        response: updateUserResponseSchema,
        signal,
      }),
    deleteUser: (userId, { signal } = {}) =>
      pipeline.send({ method: "DELETE", path: apiPath`/v1/users/${userId}`, response: undefined, signal }),
    resetPassword: (userId, query, { signal } = {}) =>
      pipeline.send({
        method: "POST",
        path: apiPath`/v1/users/${userId}/reset-password`,
        query,
        response: undefined,
        signal,
      }),
    resendEmailVerification: (userId, query, { signal } = {}) =>
      pipeline.send({
        method: "POST",
        path: apiPath`/v1/users/${userId}/resend-email-verification`,
        query,
        response: undefined,
        signal,
      }),
    retrieveUserIsPasswordSet: (query, { signal } = {}) =>
      pipeline.send({
        method: "GET",
        path: "/v1/users/is-password-set",
        query,
        response: findIsPasswordSetResponseSchema,
        signal,
      }),
    retrieveUserClient: ({ signal } = {}) =>
      pipeline.send({ method: "GET", path: "/v1/users/client", response: findClientResponseSchema, signal }),
    generateClientSecret: async ({ signal } = {}) => {
      const result = await pipeline.send({
        method: "PUT",
        path: "/v1/users/client/secret",
        response: generateClientSecretResponseSchema,
        signal,
      });
      // The rotated secret is this server's own client secret: keep using the API without a restart,
      // and answer once the other replicas of a fleet have it too.
      const secret = result.body.data[0]?.secret;
      if (secret) await tokens.useClientSecret(secret);
      return result;
    },
    listObjectStorageCredentials: (userId, query, { signal } = {}) =>
      pipeline.send({
        method: "GET",
        path: apiPath`/v1/users/${userId}/object-storages/credentials`,
        query,
        response: listCredentialResponseSchema,
        signal,
      }),
    getObjectStorageCredentials: (userId, objectStorageId, credentialId, { signal } = {}) =>
      pipeline.send({
        method: "GET",
        path: credentialPath(userId, objectStorageId, credentialId),
        response: findCredentialResponseSchema,
        signal,
      }),
    regenerateObjectStorageCredentials: (userId, objectStorageId, credentialId, { signal } = {}) =>
      pipeline.send({
        method: "PATCH",
        path: credentialPath(userId, objectStorageId, credentialId),
        response: findCredentialResponseSchema,
        signal,
      }),
  };
}

/** The `sub` claim of a JWT access token, read without verifying it (the API verifies it). */
function subjectOf(token: string): string | undefined {
  try {
    const payload: unknown = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
    return typeof payload === "object" &&
      payload !== null &&
      "sub" in payload &&
      typeof payload.sub === "string"
      ? payload.sub
      : undefined;
  } catch {
    return undefined;
  }
}
