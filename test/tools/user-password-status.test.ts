import { describe, expect, it } from "vitest";
import { callTool, callToolError, connectToSandbox, PROTOCOL_ERAS } from "../helpers/mcp.js";
import { apiRequests } from "../helpers/sandbox.js";

describe.each(PROTOCOL_ERAS)("retrieve_user_is_password_set (%s era)", (era) => {
  it("says whether a seeded user has set a password, with the request id of the upstream call", async () => {
    const { client, sandbox } = await connectToSandbox({ era });
    const users = [...sandbox.state.users.values()];
    const withPassword = users.find((user) => !user.owner && user.passwordSet);
    const invited = users.find((user) => !user.passwordSet);
    for (const user of [withPassword, invited]) {
      const status = await callTool(client, "retrieve_user_is_password_set", { userId: user?.userId });
      expect(status).toEqual({
        isPasswordSet: user?.passwordSet,
        requestId: apiRequests(sandbox).at(-1)?.requestId,
      });
      expect(apiRequests(sandbox).at(-1)).toMatchObject({
        method: "GET",
        path: "/v1/users/is-password-set",
        query: `?userId=${user?.userId}`,
      });
    }
    expect(withPassword?.passwordSet).toBe(true);
    expect(invited?.passwordSet).toBe(false);
  });

  it("without userId asks about the API user, and a new user has no password until they set one", async () => {
    const { client, sandbox } = await connectToSandbox({ era, safety: { confirmMode: "off" } });
    expect(await callTool(client, "retrieve_user_is_password_set", {})).toMatchObject({
      isPasswordSet: true,
    });
    expect(apiRequests(sandbox).at(-1)?.query).toBe("");

    const created = await callTool<{ userId: string }>(client, "create_user", {
      email: "invited.now@example.com",
      enabled: true,
      totp: false,
      locale: "en",
    });
    expect(await callTool(client, "retrieve_user_is_password_set", { userId: created.userId })).toMatchObject(
      { isPasswordSet: false },
    );
  });

  it("refuses a userId that is not a UUID before calling the API, and reports an unknown user", async () => {
    const { client, sandbox } = await connectToSandbox({ era });
    expect(await callToolError(client, "retrieve_user_is_password_set", { userId: "54321" })).toContain(
      "userId must be a UUID",
    );
    expect(apiRequests(sandbox)).toHaveLength(0);
    const unknown = "00000000-0000-4000-8000-000000000000";
    expect(await callToolError(client, "retrieve_user_is_password_set", { userId: unknown })).toContain(
      `Entry User not found by userId ${unknown}`,
    );
  });
});
