import { ADMIN_SCOPE, READ_SCOPE, type ToolScopes, WRITE_SCOPE } from "../safety/scope-policy.js";
import {
  ADDITIVE_WRITE,
  DESTRUCTIVE_IDEMPOTENT_WRITE,
  DESTRUCTIVE_WRITE,
  lazyTool,
  READ,
  type ToolDefinition,
} from "./define-tool.js";

/**
 * Every tool this server offers, in the order they are listed: each one's definition (what
 * tools/list says of it) and where its implementation is. An implementation module, with its zod
 * schemas, is loaded on the tool's first call: a start builds none of them (the bundle carries the
 * listing made at build time, see tool-listing.ts).
 */
export const TOOLS: readonly ToolDefinition[] = [
  lazyTool(
    {
      name: "retrieve_user_list",
      description:
        "List users as rows. Filter rather than read everyone (totp, emailVerified, role); fields trims rows, countOnly counts. Start here to find a userId.",
      annotations: { title: "List users", ...READ },
      scope: READ_SCOPE,
      auditTarget: [],
      resources: ["user"],
      confirmable: false,
    },
    async () => (await import("./user-list.js")).retrieveUserList,
  ),
  lazyTool(
    {
      name: "retrieve_user",
      description: "Get one user, with their roles and permissions.",
      annotations: { title: "Get user", ...READ },
      scope: READ_SCOPE,
      auditTarget: ["userId"],
      resources: ["user"],
      confirmable: false,
    },
    async () => (await import("./users.js")).retrieveUser,
  ),
  lazyTool(
    {
      name: "retrieve_user_is_password_set",
      description: "Whether a user has set a password yet.",
      annotations: { title: "Is password set", ...READ },
      scope: READ_SCOPE,
      auditTarget: ["userId"],
      confirmable: false,
    },
    async () => (await import("./user-password-status.js")).retrieveUserIsPasswordSet,
  ),
  lazyTool(
    {
      name: "create_user",
      description:
        "Invite a user: Contabo e-mails them a link to set a password. Roles give access (none: no access); giving roles asks first.",
      annotations: { title: "Create user", ...ADDITIVE_WRITE },
      scope: WRITE_SCOPE,
      auditTarget: ["email"],
      confirmable: true,
    },
    async () => (await import("./users.js")).createUser,
  ),
  lazyTool(
    {
      name: "update_user",
      description:
        "Change given fields of a user. enabled=false locks them out (prefer it to deleting); roles replaces all their roles. Enabling, disabling, roles, e-mail and 2FA off ask first.",
      annotations: { title: "Update user", ...DESTRUCTIVE_IDEMPOTENT_WRITE },
      scope: WRITE_SCOPE,
      auditTarget: ["userId"],
      confirmable: true,
    },
    async () => (await import("./users.js")).updateUser,
  ),
  lazyTool(
    {
      name: "delete_user",
      description:
        "Delete a user for good, with their S3 credentials; asks first. To lock someone out, set enabled=false instead.",
      annotations: { title: "Delete user", ...DESTRUCTIVE_IDEMPOTENT_WRITE },
      scope: ADMIN_SCOPE,
      auditTarget: ["userId"],
      confirmable: true,
    },
    async () => (await import("./users.js")).deleteUser,
  ),
  lazyTool(
    {
      name: "reset_password",
      description: "E-mail a user a link to set a new password (rate-limited per user).",
      annotations: { title: "Send password reset e-mail", ...ADDITIVE_WRITE },
      scope: WRITE_SCOPE,
      auditTarget: ["userId"],
      confirmable: false,
    },
    async () => (await import("./user-emails.js")).resetPassword,
  ),
  lazyTool(
    {
      name: "resend_email_verification",
      description: "E-mail an unverified user the verification link again (rate-limited per user).",
      annotations: { title: "Resend verification e-mail", ...ADDITIVE_WRITE },
      scope: WRITE_SCOPE,
      auditTarget: ["userId"],
      confirmable: false,
    },
    async () => (await import("./user-emails.js")).resendEmailVerification,
  ),
  lazyTool(
    {
      name: "retrieve_user_client",
      description: "Get the API client (OAuth2 clientId and secret); the secret is masked.",
      annotations: { title: "Get API client", ...READ },
      scope: READ_SCOPE,
      auditTarget: [],
      confirmable: true,
    },
    async () => (await import("./client-secret.js")).retrieveUserClient,
  ),
  lazyTool(
    {
      name: "generate_client_secret",
      description:
        "Rotate the API client's secret (asks the user first). The old one stops working at once (cntb, Terraform); this server uses the new one until restarted.",
      annotations: { title: "Rotate API client secret", ...DESTRUCTIVE_WRITE },
      scope: ADMIN_SCOPE,
      auditTarget: [],
      confirmable: true,
    },
    async () => (await import("./client-secret.js")).generateClientSecret,
  ),
  lazyTool(
    {
      name: "list_object_storage_credentials",
      description:
        "A user's S3 credentials (one per object storage), with the objectStorageId and credentialId other tools take; secrets masked.",
      annotations: { title: "List object storage credentials", ...READ },
      scope: READ_SCOPE,
      auditTarget: ["userId"],
      confirmable: true,
    },
    async () => (await import("./object-storage-credentials.js")).listObjectStorageCredentials,
  ),
  lazyTool(
    {
      name: "get_object_storage_credentials",
      description: "Get one S3 credential; the secret key is masked.",
      annotations: { title: "Get object storage credential", ...READ },
      scope: READ_SCOPE,
      auditTarget: ["userId", "objectStorageId", "credentialId"],
      confirmable: true,
    },
    async () => (await import("./object-storage-credentials.js")).getObjectStorageCredentials,
  ),
  lazyTool(
    {
      name: "regenerate_object_storage_credentials",
      description: "New S3 secret key, same access key; asks first. The old secret stops working at once.",
      annotations: { title: "Regenerate object storage credential", ...DESTRUCTIVE_WRITE },
      scope: ADMIN_SCOPE,
      auditTarget: ["userId", "objectStorageId", "credentialId"],
      confirmable: true,
    },
    async () => (await import("./object-storage-credentials.js")).regenerateObjectStorageCredentials,
  ),
  lazyTool(
    {
      name: "retrieve_role_list",
      description: "List roles (default and custom) with their permissions: the roles to give users.",
      annotations: { title: "List roles", ...READ },
      scope: READ_SCOPE,
      auditTarget: [],
      resources: ["roles"],
      confirmable: false,
    },
    async () => (await import("./roles.js")).retrieveRoleList,
  ),
  lazyTool(
    {
      name: "retrieve_role",
      description: "Get one role with its permissions.",
      annotations: { title: "Get role", ...READ },
      scope: READ_SCOPE,
      auditTarget: ["roleId"],
      confirmable: false,
    },
    async () => (await import("./roles.js")).retrieveRole,
  ),
  lazyTool(
    {
      name: "retrieve_user_audits",
      description: "The history of changes to users: who created, changed or deleted whom, and when.",
      annotations: { title: "User change history", ...READ },
      scope: READ_SCOPE,
      auditTarget: [],
      confirmable: false,
    },
    async () => (await import("./user-audits.js")).retrieveUserAudits,
  ),
  lazyTool(
    {
      name: "auth_status",
      description:
        "Whether it can log in to Contabo, as whom; which tools are on (why others are off); how confirmations reach a person; redirect hosts. No secrets.",
      annotations: { title: "Connection and settings", ...READ },
      scope: READ_SCOPE,
      auditTarget: [],
      confirmable: false,
    },
    async () => (await import("./auth-status.js")).authStatus,
  ),
];

/** The OAuth scope of each tool, from its definition: what the OAuth gate and tools/list go by. */
export const TOOL_SCOPES: ToolScopes = new Map(TOOLS.map((tool) => [tool.name, tool.scope]));
