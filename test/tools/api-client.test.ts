import { describe, expect, it } from "vitest";
import { callTool, connectToSandbox } from "../helpers/mcp.js";
import { apiRequests } from "../helpers/sandbox.js";

describe("API client tools", () => {
  it("retrieve_user_client returns the client", async () => {
    const { client, sandbox } = await connectToSandbox();
    const result = await callTool(client, "retrieve_user_client");
    expect(result).toEqual({
      client: {
        tenantId: "DE",
        customerId: "54321",
        id: sandbox.state.apiClient.id,
        clientId: "DE-54321",
        secret: sandbox.state.apiClient.secret,
      },
      requestId: apiRequests(sandbox).at(-1)?.requestId,
    });
  });

  it("generate_client_secret rotates the secret, and the server keeps working with the new one", async () => {
    const { client, sandbox } = await connectToSandbox();
    const before = sandbox.state.apiClient.secret;
    const result = await callTool<{ client: { secret: string }; effect: string }>(
      client,
      "generate_client_secret",
    );
    expect(result.client.secret).not.toBe(before);
    expect(result.client.secret).toBe(sandbox.state.apiClient.secret);
    expect(result.effect).toContain("old one no longer works");
    expect(apiRequests(sandbox).at(-1)).toMatchObject({ method: "PUT", path: "/v1/users/client/secret" });

    sandbox.revokeTokens(); // force a new login, which needs the new secret
    await expect(callTool(client, "retrieve_user_client")).resolves.toMatchObject({
      client: { secret: result.client.secret },
    });
  });
});
