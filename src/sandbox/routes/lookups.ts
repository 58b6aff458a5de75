import { notFound, SandboxHttpError } from "../http-error.js";
import type { SandboxState, StoredUser } from "../state.js";

export function requireUser(state: SandboxState, userId: string | undefined): StoredUser {
  const user = userId === undefined ? undefined : state.users.get(userId);
  if (!user) throw notFound(`Entry User not found by userId ${userId}`);
  return user;
}

export function requireRoles(state: SandboxState, roleIds: number[] | undefined): number[] | undefined {
  if (roleIds === undefined) return undefined;
  const unknown = roleIds.filter((roleId) => !state.roles.has(roleId));
  if (unknown.length > 0) throw new SandboxHttpError(400, `Role not found by roleId ${unknown.join(", ")}`);
  return [...new Set(roleIds)];
}

export function requireUniqueEmail(state: SandboxState, email: string, exceptUserId?: string): void {
  const existing = state.findUserByEmail(email);
  if (existing && existing.userId !== exceptUserId) {
    throw new SandboxHttpError(409, `User with email ${email} already exists`);
  }
}
