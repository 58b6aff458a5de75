import { generateClientSecret, retrieveUserClient } from "./api-client.js";
import { authStatus } from "./auth-status.js";
import type { ToolDefinition } from "./define-tool.js";
import {
  getObjectStorageCredentials,
  listObjectStorageCredentials,
  regenerateObjectStorageCredentials,
} from "./object-storage-credentials.js";
import { retrieveRole, retrieveRoleList } from "./roles.js";
import { retrieveUserAudits } from "./user-audits.js";
import { resendEmailVerification, resetPassword } from "./user-emails.js";
import { retrieveUserList } from "./user-list.js";
import { retrieveUserIsPasswordSet } from "./user-password-status.js";
import { createUser, deleteUser, retrieveUser, updateUser } from "./users.js";

/** Every tool this server offers, in the order they are listed. */
export const TOOLS: readonly ToolDefinition[] = [
  retrieveUserList,
  retrieveUser,
  retrieveUserIsPasswordSet,
  createUser,
  updateUser,
  deleteUser,
  resetPassword,
  resendEmailVerification,
  retrieveUserClient,
  generateClientSecret,
  listObjectStorageCredentials,
  getObjectStorageCredentials,
  regenerateObjectStorageCredentials,
  retrieveRoleList,
  retrieveRole,
  retrieveUserAudits,
  authStatus,
];
