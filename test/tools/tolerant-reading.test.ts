import { describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { ODD_ROLE_ID } from "../../src/sandbox/odd-records.js";
import { callTool, callToolError, connectToSandbox, PROTOCOL_ERAS } from "../helpers/mcp.js";

interface ListedUser {
  userId: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  locale?: string;
  roles: unknown[];
}

interface UserList {
  users: ListedUser[];
  pagination: { totalElements: number };
  warnings?: string[];
}

/** The seeded users the oddRecords switch changed, found in the sandbox's own state. */
function oddUsers(sandbox: Sandbox) {
  const users = [...sandbox.state.users.values()];
  const unnamed = users.find((user) => user.locale === "fr");
  const withoutId = users.find((user) => sandbox.state.omittedInAnswers.get(user.userId)?.includes("userId"));
  const withOddRole = users.find((user) => user.roleIds.includes(ODD_ROLE_ID));
  if (!unnamed || !withoutId || !withOddRole) throw new Error("the sandbox has no odd records");
  return { unnamed, withoutId, withOddRole };
}

const oddSandbox = { sandbox: { oddRecords: true } } as const;

describe.each(PROTOCOL_ERAS)("tolerant reading (%s era)", (era) => {
  it("retrieve_user_list reads a page with odd records: names null, unknown values kept, a user without id left out", async () => {
    const { client, sandbox } = await connectToSandbox({ ...oddSandbox, era });
    const { unnamed, withoutId, withOddRole } = oddUsers(sandbox);
    const page = await callTool<UserList>(client, "retrieve_user_list", {
      size: 100,
      fields: ["userId", "email", "firstName", "lastName", "locale"],
    });

    expect(page.pagination.totalElements).toBe(25);
    expect(page.users).toHaveLength(24);
    expect(page.users.map((user) => user.email)).not.toContain(withoutId.email);
    expect(page.users.find((user) => user.userId === unnamed.userId)).toMatchObject({
      firstName: null,
      lastName: null,
      locale: "fr",
    });
    expect(page.warnings).toEqual(
      expect.arrayContaining([
        `user ${unnamed.userId}: unknown locale "fr"`,
        `user ${withOddRole.userId}: role ${ODD_ROLE_ID}: unknown permission action "EXECUTE"`,
        "a user without userId was left out",
      ]),
    );
    expect(page.warnings).toHaveLength(3);
  });

  it("retrieve_user_list with all=true reads every page and gathers the warnings of each", async () => {
    const { client, sandbox } = await connectToSandbox({ ...oddSandbox, era });
    const { unnamed } = oddUsers(sandbox);
    const all = await callTool<UserList>(client, "retrieve_user_list", { all: true });
    expect(all.users).toHaveLength(24);
    expect(all.users.find((user) => user.userId === unnamed.userId)).toMatchObject({
      firstName: null,
      lastName: null,
    });
    expect(all.warnings).toContain(`user ${unnamed.userId}: unknown locale "fr"`);
    expect(all.warnings).toContain("a user without userId was left out");
  });

  it("retrieve_user gives a user without names and with an unknown locale, with warnings", async () => {
    const { client, sandbox } = await connectToSandbox({ ...oddSandbox, era });
    const { unnamed } = oddUsers(sandbox);
    const found = await callTool<{ user: ListedUser; warnings?: string[] }>(client, "retrieve_user", {
      userId: unnamed.userId,
    });
    expect(found.user).toMatchObject({
      userId: unnamed.userId,
      firstName: null,
      lastName: null,
      locale: "fr",
    });
    expect(found.warnings).toEqual([`user ${unnamed.userId}: unknown locale "fr"`]);
  });

  it("retrieve_user of a user answered without userId fails, saying it was left out", async () => {
    const { client, sandbox } = await connectToSandbox({ ...oddSandbox, era });
    const { withoutId } = oddUsers(sandbox);
    expect(await callToolError(client, "retrieve_user", { userId: withoutId.userId })).toContain(
      "data is empty, one user was expected (a user without userId was left out)",
    );
  });

  it("retrieve_role_list and retrieve_role keep an unknown permission action, with a warning", async () => {
    const { client } = await connectToSandbox({ ...oddSandbox, era });
    const roles = await callTool<{
      roles: Array<{ roleId: number; permissions?: Array<{ actions: string[] }> }>;
      warnings?: string[];
    }>(client, "retrieve_role_list", { type: "custom" });
    const odd = roles.roles.find((role) => role.roleId === ODD_ROLE_ID);
    expect(odd?.permissions?.[0]?.actions).toEqual(["READ", "EXECUTE"]);
    expect(roles.warnings).toEqual([`role ${ODD_ROLE_ID}: unknown permission action "EXECUTE"`]);

    const role = await callTool<{ warnings?: string[] }>(client, "retrieve_role", { roleId: ODD_ROLE_ID });
    expect(role.warnings).toEqual([`role ${ODD_ROLE_ID}: unknown permission action "EXECUTE"`]);
  });

  it("retrieve_user_audits keeps an unknown audit action, with a warning", async () => {
    const { client } = await connectToSandbox({ ...oddSandbox, era });
    const audits = await callTool<{ audits: Array<{ id: number; action: string }>; warnings?: string[] }>(
      client,
      "retrieve_user_audits",
      {},
    );
    const archived = audits.audits.find((audit) => audit.action === "ARCHIVED");
    expect(archived).toBeDefined();
    expect(audits.warnings).toEqual([`audit ${archived?.id}: unknown action "ARCHIVED"`]);
  });

  it("a sandbox without the switch answers as the spec says: no warnings", async () => {
    const { client } = await connectToSandbox({ era });
    const page = await callTool<UserList>(client, "retrieve_user_list", { size: 100 });
    expect(page.users).toHaveLength(25);
    expect(page).not.toHaveProperty("warnings");
  });
});
