import type { ElicitRequest, ElicitResult } from "@modelcontextprotocol/client";
import type { ProtocolEra } from "@modelcontextprotocol/server";
import { describe, expect, it } from "vitest";
import { callTool, callToolError, connectToSandbox, PROTOCOL_ERAS } from "../helpers/mcp.js";
import { apiRequests } from "../helpers/sandbox.js";

type Answer = (request: ElicitRequest["params"]) => ElicitResult;

async function setup(era: ProtocolEra, answer: Answer | undefined, confirmMode: "elicit" | "auto" = "auto") {
  const asked: Array<ElicitRequest["params"]> = [];
  const elicit = answer
    ? (request: ElicitRequest["params"]) => {
        asked.push(request);
        return answer(request);
      }
    : undefined;
  const { sandbox, client } = await connectToSandbox({ safety: { confirmMode }, elicit, era });
  const user = [...sandbox.state.users.values()].find((u) => !u.owner);
  if (!user) throw new Error("seed has no user");
  const writes = () => apiRequests(sandbox).filter((r) => r.method !== "GET");
  return { sandbox, client, user, asked, writes };
}

const schemaOf = (request: ElicitRequest["params"] | undefined) =>
  request && "requestedSchema" in request ? request.requestedSchema : undefined;

describe.each(PROTOCOL_ERAS)("confirmation by form (%s client)", (era) => {
  it("asks the human with live data; delete_user proceeds only when they type the user's e-mail", async () => {
    const { client, sandbox, user, asked } = await setup(era, (request) => ({
      action: "accept",
      content: {
        confirmation: ` ${request.message.match(/type the e-mail address "([^"]+)"/)?.[1]?.toUpperCase()} `,
      },
    }));
    const result = await callTool(client, "delete_user", { userId: user.userId });
    expect(result).toMatchObject({ ok: true, userId: user.userId });
    expect(sandbox.state.users.has(user.userId)).toBe(false);
    expect(asked).toHaveLength(1);
    expect(asked[0]?.message).toContain(
      `Delete the user "${user.email}" ("${user.firstName} ${user.lastName}")`,
    );
    expect(asked[0]?.message).toContain(`- email: "${user.email}"`);
    expect(schemaOf(asked[0])).toMatchObject({
      properties: { confirmation: { type: "string", title: "Type the user's e-mail to delete them" } },
      required: ["confirmation"],
    });
  });

  it("does nothing when the typed e-mail does not match", async () => {
    const { client, sandbox, user, writes } = await setup(era, () => ({
      action: "accept",
      content: { confirmation: "someone.else@example.com" },
    }));
    const result = await callTool(client, "delete_user", { userId: user.userId });
    expect(result).not.toHaveProperty("ok");
    expect(String(result.message)).toContain("did not match the e-mail address: nothing was done");
    expect(sandbox.state.users.has(user.userId)).toBe(true);
    expect(writes()).toEqual([]);
  });

  it.each([
    ["decline", "declined"],
    ["cancel", "cancelled"],
  ] as const)("on %s nothing happens and the result says so", async (action, userAnswer) => {
    const { client, sandbox, writes } = await setup(era, () => ({ action }));
    const before = sandbox.state.apiClient.secret;
    const result = await callTool(client, "generate_client_secret");
    expect(result).toEqual({ message: `The user ${userAnswer} the confirmation: nothing was done.` });
    expect(sandbox.state.apiClient.secret).toBe(before);
    expect(writes()).toEqual([]);
  });

  it("a yes/no form for the other actions; unticked is a no", async () => {
    let confirm = false;
    const { client, sandbox, asked } = await setup(era, () => ({ action: "accept", content: { confirm } }));
    const before = sandbox.state.apiClient.secret;
    await expect(callTool(client, "generate_client_secret")).resolves.toMatchObject({
      message: "The user did not tick yes: nothing was done.",
    });
    expect(sandbox.state.apiClient.secret).toBe(before);
    confirm = true;
    await expect(callTool(client, "generate_client_secret")).resolves.toHaveProperty("client.secret");
    expect(sandbox.state.apiClient.secret).not.toBe(before);
    expect(asked[0]?.message).toContain(
      `Rotate the secret of API client "DE-54321": the current secret ("****${before.slice(-4)}")`,
    );
    expect(schemaOf(asked[0])).toMatchObject({ properties: { confirm: { type: "boolean" } } });
    expect(JSON.stringify(asked)).not.toContain(before);
  });

  it("refuses when the target changed while the human was asked", async () => {
    let onAsk = () => {};
    const { client, sandbox, user, writes } = await setup(era, () => {
      onAsk();
      return { action: "accept", content: { confirm: true } };
    });
    onAsk = () => {
      const stored = sandbox.state.users.get(user.userId);
      if (stored) stored.firstName = "Changed meanwhile";
    };
    const text = await callToolError(client, "update_user", { userId: user.userId, enabled: false });
    expect(text).toContain("The target changed since the preview was made");
    expect(writes()).toEqual([]);
  });

  it.each(["auto", "elicit"] as const)(
    "%s: refuses, sending nothing and giving no token, when the client cannot be asked",
    async (mode) => {
      const { client, sandbox, user } = await setup(era, undefined, mode);
      const text = await callToolError(client, "delete_user", { userId: user.userId });
      expect(text).toContain("delete_user refused: This call needs a person's confirmation");
      expect(text).toContain("did not declare elicitation");
      expect(text).toContain("--confirm token");
      expect(text).not.toMatch(/confirmationToken"?:/);
      // Refused before the preview: not even a read went upstream.
      expect(apiRequests(sandbox)).toEqual([]);
    },
  );
});
