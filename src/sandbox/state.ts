import type { PasswordGrantCredentials } from "../client/credentials.js";
import type { UserAudit } from "../contabo-api-schemas/audits.js";
import type { ApiClient } from "../contabo-api-schemas/client-secret.js";
import type { Credential } from "../contabo-api-schemas/object-storage-credentials.js";
import type { Role, User } from "../contabo-api-schemas/users.js";
import type { SeededRandom } from "./random.js";

export type Tenant = Pick<User, "tenantId" | "customerId">;

/**
 * A user as stored: the record of UserResponse, with role ids instead of role objects, and whether
 * they have set a password (GET /v1/users/is-password-set).
 */
export type StoredUser = Omit<User, keyof Tenant | "roles"> & { roleIds: number[]; passwordSet: boolean };

export type StoredRole = Omit<Role, keyof Tenant>;

export type ObjectStorage = Pick<Credential, "objectStorageId" | "displayName" | "region">;

export type StoredCredential = Pick<
  Credential,
  "credentialId" | "objectStorageId" | "accessKey" | "secretKey"
> & {
  userId: string;
};

export interface SentEmail {
  /** Contabo invites every new user by e-mail to set a password. */
  kind: "reset-password" | "email-verification" | "invitation";
  userId: string;
  to: string;
  redirectUrl?: string;
  at: string;
}

const MAX_OUTBOX = 1_000;
const MAX_AUDITS = 10_000;
const MAX_ISSUED_SECRETS = 100_000;

/** What the sandbox knows: one tenant's users, roles, object storages, S3 credentials and API client. */
export class SandboxState {
  readonly users = new Map<string, StoredUser>();
  readonly roles = new Map<number, StoredRole>();
  readonly storages: ObjectStorage[] = [];
  readonly credentials = new Map<number, StoredCredential>();
  /** E-mails "sent", newest last; the oldest are dropped past MAX_OUTBOX. */
  readonly outbox: SentEmail[] = [];
  apiClient: Omit<ApiClient, keyof Tenant>;
  /** The API user's login (the owner's e-mail) and API password, for the token endpoint. */
  apiLogin: Pick<PasswordGrantCredentials, "username" | "password">;
  /** The users' change history, oldest first (the last MAX_AUDITS). */
  readonly audits: UserAudit[] = [];
  private nextAuditId = 1;
  /** Every secret the sandbox handed out (passwords, client secrets, S3 keys, tokens), for leak scans in tests. */
  readonly issuedSecrets = new Set<string>();
  private nextCredentialId = 1001;
  /** Fields left out of a user's answers, by userId: records the spec does not describe (odd-records.ts). */
  readonly omittedInAnswers = new Map<string, ReadonlyArray<keyof User>>();

  constructor(
    readonly tenant: Tenant,
    readonly random: SeededRandom,
    apiClient: Omit<ApiClient, keyof Tenant>,
    apiLogin: Pick<PasswordGrantCredentials, "username" | "password">,
  ) {
    this.apiClient = apiClient;
    this.apiLogin = apiLogin;
    this.recordSecret(apiClient.secret);
    this.recordSecret(apiLogin.password);
  }

  recordSecret(secret: string): string {
    if (this.issuedSecrets.size < MAX_ISSUED_SECRETS) this.issuedSecrets.add(secret);
    return secret;
  }

  findUserByEmail(email: string): StoredUser | undefined {
    const wanted = email.toLowerCase();
    for (const user of this.users.values()) if (user.email.toLowerCase() === wanted) return user;
    return undefined;
  }

  toUser(user: StoredUser): User {
    return {
      ...this.tenant,
      userId: user.userId,
      firstName: user.firstName,
      lastName: user.lastName,
      email: user.email,
      emailVerified: user.emailVerified,
      enabled: user.enabled,
      totp: user.totp,
      locale: user.locale,
      roles: user.roleIds.flatMap((roleId) => {
        const role = this.roles.get(roleId);
        return role ? [this.toRole(role)] : [];
      }),
      owner: user.owner,
    };
  }

  /** A user as the API answers: the record, less the fields `omittedInAnswers` leaves out for them. */
  answerUser(user: StoredUser): Partial<User> {
    const answer: Partial<User> = this.toUser(user);
    for (const field of this.omittedInAnswers.get(user.userId) ?? []) delete answer[field];
    return answer;
  }

  toRole(role: StoredRole): Role {
    return { ...this.tenant, ...role };
  }

  toCredential(credential: StoredCredential): Credential {
    const storage = this.storages.find((s) => s.objectStorageId === credential.objectStorageId);
    return {
      ...this.tenant,
      accessKey: credential.accessKey,
      secretKey: credential.secretKey,
      objectStorageId: credential.objectStorageId,
      displayName: storage?.displayName ?? "",
      region: storage?.region ?? "",
      credentialId: credential.credentialId,
    };
  }

  /** Gives a user one S3 credential on every object storage of the tenant. */
  addCredentialsFor(userId: string): void {
    for (const storage of this.storages) {
      const credentialId = this.nextCredentialId++;
      this.credentials.set(credentialId, {
        credentialId,
        userId,
        objectStorageId: storage.objectStorageId,
        ...this.newS3Keys(),
      });
    }
  }

  newS3Keys(): { accessKey: string; secretKey: string } {
    return {
      accessKey: this.random.string(20, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
      secretKey: this.newSecretKey(),
    };
  }

  /** A new S3 secret key: what regenerating a credential issues (its access key stays). */
  newSecretKey(): string {
    return this.recordSecret(
      this.random.string(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"),
    );
  }

  recordEmail(email: SentEmail): void {
    this.outbox.push(email);
    if (this.outbox.length > MAX_OUTBOX) this.outbox.splice(0, this.outbox.length - MAX_OUTBOX);
  }

  /** Records a change to a user, made by `caller` (a userId) with the given request and trace ids. */
  recordAudit(entry: {
    action: UserAudit["action"];
    userId: string;
    caller: string;
    requestId: string;
    traceId: string;
    at: number;
    changes?: Record<string, unknown>;
  }): void {
    this.audits.push({
      ...this.tenant,
      id: this.nextAuditId++,
      action: entry.action,
      timestamp: new Date(entry.at).toISOString(),
      changedBy: entry.caller,
      username: this.users.get(entry.caller)?.email ?? entry.caller,
      requestId: entry.requestId,
      traceId: entry.traceId,
      userId: entry.userId,
      ...(entry.changes ? { changes: entry.changes } : {}),
    });
    if (this.audits.length > MAX_AUDITS) this.audits.splice(0, this.audits.length - MAX_AUDITS);
  }

  deleteUser(userId: string): void {
    this.users.delete(userId);
    for (const [id, credential] of this.credentials)
      if (credential.userId === userId) this.credentials.delete(id);
  }
}
