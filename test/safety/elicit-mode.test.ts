import type { ElicitRequest, ElicitResult } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import { callTool, callToolError, connectToSandbox } from "../helpers/mcp.js";
import { apiRequests } from "../helpers/sandbox.js";
import { askConfirmation } from "./confirm-helpers.js";

type Answer = (request: ElicitRequest["params"]) => ElicitResult;

async function setup(answer: Answer | undefined, confirmMode: "elicit" | "auto" = "elicit") {
  const asked: Array<ElicitRequest["params"]> = [];
  const elicit = answer
    ? (request: ElicitRequest["params"]) => {
        asked.push(request);
        return answer(request);
      }
    : undefined;
  const { sandbox, client } = await connectToSandbox({ safety: { confirmMode }, elicit });
  const user = [...sandbox.state.users.values()].find((u) => !u.owner);
  if (!user) throw new Error("seed has no user");
  const writes = () => apiRequests(sandbox).filter((r) => r.method !== "GET");
  return { sandbox, client, user, asked, writes };
}

describe("elicit mode", () => {
  it("asks the human with live data; delete_user proceeds only when they type the user's e-mail", async () => {
    const { client, sandbox, user, asked } = await setup((request) => ({
      action: "accept",
      content: { confirmation: ` ${request.message.match(/type (\S+)\.$/)?.[1]?.toUpperCase()} ` },
    }));
    const result = await callTool(client, "delete_user", { userId: user.userId });
    expect(result).toMatchObject({ ok: true, userId: user.userId });
    expect(sandbox.state.users.has(user.userId)).toBe(false);
    expect(asked).toHaveLength(1);
    const request = asked[0];
    expect(request?.message).toContain(`Delete the user ${user.email} (${user.firstName} ${user.lastName})`);
    expect(request?.message).toContain(`email: ${user.email}`);
    expect(request && "requestedSchema" in request ? request.requestedSchema : undefined).toMatchObject({
      properties: { confirmation: { type: "string", title: "Type the user's e-mail to delete them" } },
      required: ["confirmation"],
    });
  });

  it("does nothing when the typed e-mail does not match", async () => {
    const { client, sandbox, user, writes } = await setup(() => ({
      action: "accept",
      content: { confirmation: "someone.else@example.com" },
    }));
    const result = await callTool(client, "delete_user", { userId: user.userId });
    expect(result).not.toHaveProperty("ok");
    expect(String(result.message)).toContain(`did not match ${user.email}: nothing was done`);
    expect(sandbox.state.users.has(user.userId)).toBe(true);
    expect(writes()).toEqual([]);
  });

  it.each([
    ["decline", "declined"],
    ["cancel", "cancelled"],
  ] as const)("on %s nothing happens and the result says so", async (action, userAnswer) => {
    const { client, sandbox, writes } = await setup(() => ({ action }));
    const before = sandbox.state.apiClient.secret;
    const result = await callTool(client, "generate_client_secret");
    expect(result).toMatchObject({
      message: `The user ${userAnswer} the confirmation: nothing was done.`,
    });
    expect(result).toHaveProperty("preview.action");
    expect(sandbox.state.apiClient.secret).toBe(before);
    expect(writes()).toEqual([]);
  });

  it("a yes/no form for the other actions; unticked is a no", async () => {
    let confirm = false;
    const { client, sandbox, asked } = await setup(() => ({ action: "accept", content: { confirm } }));
    const before = sandbox.state.apiClient.secret;
    await expect(callTool(client, "generate_client_secret")).resolves.toMatchObject({
      message: "The user declined the confirmation: nothing was done.",
    });
    expect(sandbox.state.apiClient.secret).toBe(before);
    confirm = true;
    await expect(callTool(client, "generate_client_secret")).resolves.toHaveProperty("client.secret");
    expect(sandbox.state.apiClient.secret).not.toBe(before);
    expect(asked[0]?.message).toContain(
      `Rotate the secret of API client DE-54321: the current secret (****${before.slice(-4)})`,
    );
    const form = asked[0];
    expect(form && "requestedSchema" in form ? form.requestedSchema : undefined).toMatchObject({
      properties: { confirm: { type: "boolean" } },
    });
    expect(JSON.stringify(asked)).not.toContain(before);
  });

  it("refuses when the target changed while the human was asked", async () => {
    let onAsk = () => {};
    const { client, sandbox, user, writes } = await setup(() => {
      onAsk();
      return { action: "accept", content: { confirm: true } };
    });
    onAsk = () => {
      const stored = sandbox.state.users.get(user.userId);
      if (stored) stored.firstName = "Changed meanwhile";
    };
    const text = await callToolError(client, "update_user", { userId: user.userId, enabled: false });
    expect(text).toContain("The target changed while the user was being asked: nothing was done");
    expect(writes()).toEqual([]);
  });

  it("refuses with an explanation when the client cannot be asked", async () => {
    const { client, user, writes } = await setup(undefined, "elicit");
    const text = await callToolError(client, "delete_user", { userId: user.userId });
    expect(text).toContain("delete_user refused:");
    expect(text).toContain("MCP elicitation, which this client did not declare");
    expect(text).toContain("--confirm token");
    expect(writes()).toEqual([]);
  });
});

describe("auto mode", () => {
  it("elicits when the client declared elicitation", async () => {
    const { client, asked, sandbox } = await setup(
      () => ({ action: "accept", content: { confirm: true } }),
      "auto",
    );
    await callTool(client, "retrieve_user_client", { reveal: true });
    expect(asked).toHaveLength(1);
    expect(asked[0]?.message).toContain("Show the full secret of API client DE-54321");
    expect(sandbox.state.apiClient.secret).toHaveLength(36);
  });

  it("falls back to preview and token when it did not, never acting unconfirmed", async () => {
    const { client, user, writes } = await setup(undefined, "auto");
    await askConfirmation(client, "delete_user", { userId: user.userId });
    expect(writes()).toEqual([]);
  });
});
