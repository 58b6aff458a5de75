/**
 * List answers whose `_pagination` and `_links` are the spec's own example values (`""`), as a mock
 * server of the spec (Prism) serves them: the data comes through with a warning, in every list tool
 * and in every internal read (roles for create_user and update_user, audits for previews).
 */
import { describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { callTool, connectToSandbox, PROTOCOL_ERAS } from "../helpers/mcp.js";

const PAGINATION_WARNING = "the answer's _pagination was missing or malformed: read as one page";
const LINKS_WARNING = "the answer's _links was missing or malformed: left out";

const NEW_USER = {
  email: "prism.example@example.com",
  enabled: true,
  totp: false,
  locale: "en",
  roles: ["Billing"],
};

function withExampleEnvelopes(sandbox: Sandbox): void {
  sandbox.faults.add({ fault: { kind: "example-envelope" }, route: "*", phase: "after" });
}

function someUser(sandbox: Sandbox) {
  const user = [...sandbox.state.users.values()].find((candidate) => !candidate.owner);
  if (!user) throw new Error("the sandbox has no user but the owner");
  return user;
}

describe.each(PROTOCOL_ERAS)("the spec's example envelopes (%s era)", (era) => {
  it("every list tool returns its data, one page, and says why", async () => {
    const { client, sandbox } = await connectToSandbox({ era, safety: { confirmMode: "off" } });
    const user = someUser(sandbox);
    // One change, so that the audit log has a record to list.
    await callTool(client, "update_user", { userId: user.userId, firstName: "Audited" });
    withExampleEnvelopes(sandbox);
    const lists: Array<[string, Record<string, unknown>, string]> = [
      ["retrieve_user_list", { size: 5 }, "users"],
      ["retrieve_role_list", {}, "roles"],
      ["retrieve_user_audits", {}, "audits"],
      ["list_object_storage_credentials", { userId: user.userId }, "credentials"],
    ];
    for (const [name, args, field] of lists) {
      const result = await callTool<Record<string, unknown>>(client, name, args);
      const items = result[field] as unknown[];
      expect(items.length, name).toBeGreaterThan(0);
      expect(result.pagination, name).toEqual({
        page: 1,
        size: items.length,
        totalElements: items.length,
        totalPages: 1,
      });
      expect(result.warnings, name).toEqual(expect.arrayContaining([PAGINATION_WARNING, LINKS_WARNING]));
    }
  });

  it("create_user and update_user with roles reach the API; delete_user in token mode issues a token", async () => {
    const { client, sandbox } = await connectToSandbox({ era, safety: { confirmMode: "token" } });
    withExampleEnvelopes(sandbox);
    const created = await callTool<{ confirmationToken?: string }>(client, "create_user", {
      ...NEW_USER,
    });
    expect(created.confirmationToken).toBeDefined();
    const made = await callTool<{ userId: string }>(client, "create_user", {
      ...NEW_USER,
      confirmationToken: created.confirmationToken,
    });
    const user = sandbox.state.users.get(made.userId);
    expect(user?.roleIds).toEqual([2]);
    const asked = await callTool<{ confirmationToken?: string }>(client, "update_user", {
      userId: made.userId,
      roles: ["Billing", "101"],
    });
    await callTool(client, "update_user", {
      userId: made.userId,
      roles: ["Billing", "101"],
      confirmationToken: asked.confirmationToken,
    });
    expect(sandbox.state.users.get(made.userId)?.roleIds).toEqual([2, 101]);
    const toDelete = await callTool<{ confirmationToken?: string }>(client, "delete_user", {
      userId: made.userId,
    });
    expect(toDelete.confirmationToken).toBeDefined();
  });
});
