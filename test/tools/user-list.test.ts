import type { CallToolResult } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import type { StoredUser } from "../../src/sandbox/state.js";
import { callTool, callToolError, connectToSandbox, PROTOCOL_ERAS, textOf } from "../helpers/mcp.js";
import { apiRequests } from "../helpers/sandbox.js";

interface Listed {
  users?: Array<Record<string, unknown>>;
  count?: number;
  truncated?: boolean;
  pagination?: Record<string, number>;
}

/** The oracle: the sandbox's own records, filtered in plain code. */
const emailsWhere = (sandbox: Sandbox, keep: (user: StoredUser) => boolean) =>
  [...sandbox.state.users.values()]
    .filter(keep)
    .map((user) => user.email)
    .sort();

const emailsOf = (listed: Listed) => (listed.users ?? []).map((row) => String(row.email)).sort();
const userPages = (sandbox: Sandbox) =>
  apiRequests(sandbox).filter((request) => request.path === "/v1/users");

const ADMINISTRATOR = 1;
const READ_ONLY = 3;

describe.each(PROTOCOL_ERAS)("retrieve_user_list filters, fields and counts (%s era)", (era) => {
  it("filters totp, emailVerified and role over every page, beside the API's own filters", async () => {
    const { client, sandbox } = await connectToSandbox({ sandbox: { userCount: 250 }, era });
    const cases: Array<[Record<string, unknown>, (user: StoredUser) => boolean]> = [
      [{ totp: false }, (user) => !user.totp],
      [{ emailVerified: true }, (user) => user.emailVerified],
      [{ role: "Read only" }, (user) => user.roleIds.includes(READ_ONLY)],
      [{ role: "administrator" }, (user) => user.roleIds.includes(ADMINISTRATOR)],
      [{ role: "101" }, (user) => user.roleIds.includes(101)],
      [{ totp: false, enabled: true }, (user) => !user.totp && user.enabled],
      [
        { totp: true, emailVerified: false, role: "infrastructure" },
        (user) => user.totp && !user.emailVerified && user.roleIds.includes(101),
      ],
    ];
    for (const [filters, keep] of cases) {
      const before = userPages(sandbox).length;
      const listed = await callTool<Listed>(client, "retrieve_user_list", filters);
      const expected = emailsWhere(sandbox, keep);
      expect(expected.length, JSON.stringify(filters)).toBeGreaterThan(0);
      expect(emailsOf(listed), JSON.stringify(filters)).toEqual(expected);
      expect(listed.count).toBe(expected.length);
      expect(listed.truncated).toBe(false);
      // Every page, in pages of 100, whatever the filter.
      expect(userPages(sandbox).length - before).toBe(3);
    }
    // The API filters what it can: enabled went upstream (with the case that has it), totp did not.
    const queries = userPages(sandbox).map((request) => new URLSearchParams(request.query));
    expect(queries.filter((query) => query.get("enabled") === "true")).toHaveLength(3);
    expect(queries.every((query) => !query.has("totp") && !query.has("role"))).toBe(true);
  });

  it("gives only the fields asked for, in a fixed order", async () => {
    const { client, sandbox } = await connectToSandbox({ era });
    const listed = await callTool<Listed>(client, "retrieve_user_list", {
      totp: false,
      fields: ["roles", "email"],
    });
    expect(emailsOf(listed)).toEqual(emailsWhere(sandbox, (user) => !user.totp));
    for (const row of listed.users ?? []) {
      expect(Object.keys(row)).toEqual(["email", "roles"]);
      expect((row.roles as unknown[]).every((role) => typeof role === "string")).toBe(true);
    }
  });

  it("countOnly asks the API for one user when it can count, and counts the filtered users otherwise", async () => {
    const { client, sandbox } = await connectToSandbox({ sandbox: { userCount: 250 }, era });
    const everyone = await callTool<Listed>(client, "retrieve_user_list", { countOnly: true });
    expect(everyone).not.toHaveProperty("users");
    expect(everyone.count).toBe(250);
    const enabled = await callTool<Listed>(client, "retrieve_user_list", { countOnly: true, enabled: true });
    expect(enabled.count).toBe(emailsWhere(sandbox, (user) => user.enabled).length);
    expect(userPages(sandbox).map((request) => new URLSearchParams(request.query).get("size"))).toEqual([
      "1",
      "1",
    ]);

    const lacking2fa = await callTool<Listed>(client, "retrieve_user_list", { countOnly: true, totp: false });
    expect(lacking2fa).not.toHaveProperty("users");
    expect(lacking2fa.count).toBe(emailsWhere(sandbox, (user) => !user.totp).length);
    expect(userPages(sandbox)).toHaveLength(5);
  });

  it("says when it stopped at the limit, and counts only what it read", async () => {
    const { client, sandbox } = await connectToSandbox({ sandbox: { userCount: 250 }, era });
    const capped = await callTool<Listed>(client, "retrieve_user_list", { totp: false, limit: 100 });
    expect(capped.truncated).toBe(true);
    expect(capped.count).toBe(capped.users?.length);
    expect(capped.count).toBeLessThan(emailsWhere(sandbox, (user) => !user.totp).length);
    expect(userPages(sandbox)).toHaveLength(1);
  });

  it("refuses a role the account does not have, by name or id, naming the roles, before reading any user", async () => {
    const { client, sandbox } = await connectToSandbox({ era });
    const text = await callToolError(client, "retrieve_user_list", { role: "Superuser" });
    expect(text).toContain('no role is named "Superuser". Roles: "Administrator" (1), "Billing" (2)');
    // An id nobody has would otherwise answer "no user has it".
    const byId = await callToolError(client, "retrieve_user_list", { role: "999" });
    expect(byId).toContain('no role has the id 999. Roles: "Administrator" (1)');
    expect(userPages(sandbox)).toEqual([]);
  });

  it("refuses what would answer for part of the account as if for all of it", async () => {
    const { client, sandbox } = await connectToSandbox({ era });
    for (const args of [
      { totp: false, page: 2 },
      { countOnly: true, page: 2 },
    ]) {
      expect(await callToolError(client, "retrieve_user_list", args)).toContain(
        "page does not go with countOnly or the totp, emailVerified and role filters",
      );
    }
    expect(await callToolError(client, "retrieve_user_list", { countOnly: true, limit: 10 })).toContain(
      "countOnly alone asks the API to count",
    );
    expect(userPages(sandbox)).toEqual([]);
  });
});

describe("the access review: who lacks 2FA in a 1,000-user account", () => {
  it("answers in one call whose result fits in 10,000 tokens", async () => {
    const { client, sandbox } = await connectToSandbox({ sandbox: { userCount: 1_000 } });
    const result = (await client.callTool({
      name: "retrieve_user_list",
      arguments: { totp: false, enabled: true, fields: ["email"] },
    })) as CallToolResult;
    const listed = result.structuredContent as Listed;
    expect(emailsOf(listed)).toEqual(emailsWhere(sandbox, (user) => !user.totp && user.enabled));
    expect(listed.truncated).toBe(false);
    // What the model reads is the text content; the structured copy is for programs.
    expect(Buffer.byteLength(textOf(result)) / 4).toBeLessThanOrEqual(10_000);
  });
});
