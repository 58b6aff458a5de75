import { describe, expect, it } from "vitest";
import type { User } from "../../src/contabo-api-schemas/users.js";
import { callTool, callToolError, connectToSandbox, NO_CONFIRMATION } from "../helpers/mcp.js";
import { apiRequests } from "../helpers/sandbox.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface UserList {
  users: User[];
  pagination: { page: number; size: number; totalElements: number; totalPages: number };
  requestId: string;
}

describe("user tools", () => {
  it("retrieve_user_list pages, filters and sorts, with the request id of the upstream call", async () => {
    const { client, sandbox } = await connectToSandbox(NO_CONFIRMATION);
    const page = await callTool<UserList>(client, "retrieve_user_list", {
      size: 5,
      page: 2,
      orderBy: ["email:desc"],
    });
    expect(page.pagination).toEqual({ page: 2, size: 5, totalElements: 25, totalPages: 5 });
    expect(page.users).toHaveLength(5);
    const emails = page.users.map((u) => u.email);
    expect(emails).toEqual([...emails].sort((a, b) => b.localeCompare(a)));
    expect(page.requestId).toBe(apiRequests(sandbox).at(-1)?.requestId);
    expect(apiRequests(sandbox).at(-1)?.query).toBe("?page=2&size=5&orderBy=email%3Adesc");

    const owners = await callTool<UserList>(client, "retrieve_user_list", {
      owner: true,
      enabled: true,
      email: "anna",
    });
    expect(owners.users.map((u) => u.email)).toEqual(["anna.schmidt@example.com"]);
  });

  it("create_user, retrieve_user, update_user and delete_user work end to end", async () => {
    const { client, sandbox } = await connectToSandbox(NO_CONFIRMATION);
    const created = await callTool<{
      userId: string;
      tenantId: string;
      customerId: string;
      requestId: string;
    }>(client, "create_user", {
      email: "jane.doe@example.com",
      firstName: "Jane",
      lastName: "Doe",
      enabled: true,
      totp: true,
      locale: "pt-BR",
      roles: ["3"],
    });
    expect(created).not.toHaveProperty("tenantId"); // account-wide: left out of every result
    expect(created.userId).toMatch(UUID);
    expect(apiRequests(sandbox).at(-1)?.body).toEqual({
      email: "jane.doe@example.com",
      firstName: "Jane",
      lastName: "Doe",
      enabled: true,
      totp: true,
      locale: "pt-BR",
      roles: [3],
    });

    const { user } = await callTool<{ user: User }>(client, "retrieve_user", { userId: created.userId });
    expect(user).toMatchObject({
      email: "jane.doe@example.com",
      locale: "pt-BR",
      emailVerified: false,
      owner: false,
    });
    expect(user.roles.map((r) => r.name)).toEqual(["Read only"]);

    const updated = await callTool(client, "update_user", {
      userId: created.userId,
      enabled: false,
      roles: ["101", "102"],
    });
    expect(updated).toMatchObject({ ok: true, userId: created.userId, updated: ["enabled", "roles"] });
    expect(apiRequests(sandbox).at(-1)).toMatchObject({
      method: "PATCH",
      body: { enabled: false, roles: [101, 102] },
    });
    expect(sandbox.state.users.get(created.userId)).toMatchObject({
      enabled: false,
      roleIds: [101, 102],
      locale: "pt-BR",
    });

    const deleted = await callTool(client, "delete_user", { userId: created.userId });
    expect(deleted).toMatchObject({ ok: true, userId: created.userId, effect: "The user was deleted." });
    expect(sandbox.state.users.has(created.userId)).toBe(false);
  });

  it("explains API failures: status, the API's message, the request id, what to do", async () => {
    const { client, sandbox } = await connectToSandbox(NO_CONFIRMATION);
    const missing = "00000000-0000-4000-8000-000000000000";
    const text = await callToolError(client, "retrieve_user", { userId: missing });
    const requestId = apiRequests(sandbox).at(-1)?.requestId;
    expect(text).toBe(
      [
        `retrieve_user failed. Contabo API answered 404 Not Found to GET /v1/users/${missing}: Entry User not found by userId ${missing}`,
        `Request id: ${requestId}`,
        "What to do: Nothing has that id: find userIds with retrieve_user_list and credential ids with list_object_storage_credentials.",
      ].join("\n"),
    );

    const duplicate = await callToolError(client, "create_user", {
      email: "anna.schmidt@example.com",
      enabled: true,
      totp: false,
      locale: "de",
    });
    expect(duplicate).toContain("409 Conflict");
    expect(duplicate).toContain("User with email anna.schmidt@example.com already exists");

    const owner = [...sandbox.state.users.values()].find((u) => u.owner);
    const forbidden = await callToolError(client, "delete_user", { userId: owner?.userId });
    expect(forbidden).toContain("403 Forbidden");
    expect(forbidden).toContain("The account owner cannot be deleted");

    // A role id the account does not have is refused here, before any write, naming the roles.
    const writes = apiRequests(sandbox).filter((r) => r.method !== "GET").length;
    const unknownRole = await callToolError(client, "update_user", { userId: owner?.userId, roles: ["999"] });
    expect(unknownRole).toContain('update_user refused: no role has the id 999. Roles: "Administrator" (1)');
    expect(apiRequests(sandbox).filter((r) => r.method !== "GET")).toHaveLength(writes);
  });

  it("update_user needs at least one field to change", async () => {
    const { client, sandbox } = await connectToSandbox(NO_CONFIRMATION);
    const owner = [...sandbox.state.users.values()].find((u) => u.owner);
    const text = await callToolError(client, "update_user", { userId: owner?.userId });
    expect(text).toContain("Give at least one field to change besides userId");
    expect(apiRequests(sandbox)).toHaveLength(0);
  });
});
