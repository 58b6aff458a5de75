import type { SandboxState, StoredUser } from "./state.js";

/** A custom role with a permission action outside the spec's enum. */
export const ODD_ROLE_ID = 104;

/**
 * Makes the sandbox answer records the spec does not describe, as a real API may: a user with no
 * first name (null) and no last name (missing) and an unknown locale, a user without userId, a
 * role with an unknown permission action (given to a user too), an audit with an unknown action.
 * For testing that one odd record never fails a page (SandboxOptions.oddRecords).
 */
export function addOddRecords(state: SandboxState): void {
  const [owner, unnamed, withoutId, withOddRole] = [...state.users.values()];
  if (!owner || !unnamed || !withoutId || !withOddRole) throw new Error("oddRecords needs at least 4 users");
  Object.assign(unnamed, { firstName: null, lastName: null, locale: "fr" } satisfies Partial<StoredUser>);
  state.omittedInAnswers.set(unnamed.userId, ["lastName"]);
  state.omittedInAnswers.set(withoutId.userId, ["userId"]);
  state.roles.set(ODD_ROLE_ID, {
    roleId: ODD_ROLE_ID,
    name: "automation",
    admin: false,
    accessAllResources: false,
    type: "custom",
    permissions: [{ apiName: "/v1/compute/instances", actions: ["READ", "EXECUTE"] }],
  });
  withOddRole.roleIds = [...withOddRole.roleIds, ODD_ROLE_ID];
  state.recordAudit({
    action: "ARCHIVED",
    userId: withOddRole.userId,
    caller: owner.userId,
    requestId: state.random.uuid(),
    traceId: state.random.uuid(),
    at: Date.parse("2026-01-15T09:30:00Z"),
  });
}
