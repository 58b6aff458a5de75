import type { ApiClient } from "../spec/api-client.js";
import type { Locale } from "../spec/common.js";
import type { Credential } from "../spec/object-storage-credentials.js";
import type { Role, User } from "../spec/users.js";
import type { SeededRandom } from "./random.js";

export interface Tenant {
  tenantId: string;
  customerId: string;
}

export interface StoredUser {
  userId: string;
  firstName: string;
  lastName: string;
  email: string;
  emailVerified: boolean;
  enabled: boolean;
  totp: boolean;
  locale: Locale;
  roleIds: number[];
  owner: boolean;
}

export type StoredRole = Omit<Role, "tenantId" | "customerId">;

export interface ObjectStorage {
  objectStorageId: string;
  displayName: string;
  region: string;
}

export interface StoredCredential {
  credentialId: number;
  userId: string;
  objectStorageId: string;
  accessKey: string;
  secretKey: string;
}

export interface SentEmail {
  kind: "reset-password" | "email-verification";
  userId: string;
  to: string;
  redirectUrl?: string;
  at: string;
}

/** What the sandbox knows: one tenant's users, roles, object storages, S3 credentials and API client. */
export class SandboxState {
  readonly users = new Map<string, StoredUser>();
  readonly roles = new Map<number, StoredRole>();
  readonly storages: ObjectStorage[] = [];
  readonly credentials = new Map<number, StoredCredential>();
  readonly outbox: SentEmail[] = [];
  apiClient: Omit<ApiClient, "tenantId" | "customerId">;
  /** The API user's login (the owner's e-mail) and API password, for the token endpoint. */
  apiLogin: { username: string; password: string };
  private nextCredentialId = 1001;

  constructor(
    readonly tenant: Tenant,
    readonly random: SeededRandom,
    apiClient: Omit<ApiClient, "tenantId" | "customerId">,
    apiLogin: { username: string; password: string },
  ) {
    this.apiClient = apiClient;
    this.apiLogin = apiLogin;
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
      secretKey: this.random.string(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"),
    };
  }

  deleteUser(userId: string): void {
    this.users.delete(userId);
    for (const [id, credential] of this.credentials)
      if (credential.userId === userId) this.credentials.delete(id);
  }
}
