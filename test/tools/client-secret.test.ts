import { describe, expect, it } from "vitest";
import { callTool, connectToSandbox, NO_CONFIRMATION } from "../helpers/mcp.js";
import { apiRequests } from "../helpers/sandbox.js";

describe("API client tools", () => {
  it("retrieve_user_client returns the client with its secret masked to the last 4 characters", async () => {
    const { client, sandbox } = await connectToSandbox(NO_CONFIRMATION);
    const secret = sandbox.state.apiClient.secret;
    const result = await callTool(client, "retrieve_user_client");
    expect(result).toEqual({
      client: {
        id: sandbox.state.apiClient.id,
        clientId: "DE-54321",
        secret: `****${secret.slice(-4)}`,
      },
      requestId: apiRequests(sandbox).at(-1)?.requestId,
    });
    const revealed = await callTool<{ client: { secret: string } }>(client, "retrieve_user_client", {
      reveal: true,
    });
    expect(revealed.client.secret).toBe(secret);
  });

  it("generate_client_secret rotates the secret, and the server keeps working with the new one", async () => {
    const { client, sandbox } = await connectToSandbox(NO_CONFIRMATION);
    const before = sandbox.state.apiClient.secret;
    const result = await callTool<{ client: { secret: string }; effect: string }>(
      client,
      "generate_client_secret",
      {
        reveal: true,
      },
    );
    expect(result.client.secret).not.toBe(before);
    expect(result.client.secret).toBe(sandbox.state.apiClient.secret);
    expect(result.effect).toContain("old one no longer works");
    expect(apiRequests(sandbox).at(-1)).toMatchObject({ method: "PUT", path: "/v1/users/client/secret" });

    const masked = await callTool<{ client: { secret: string } }>(client, "generate_client_secret");
    expect(masked.client.secret).toBe(`****${sandbox.state.apiClient.secret.slice(-4)}`);

    sandbox.revokeTokens(); // force a new login, which needs the newest secret
    await expect(callTool(client, "retrieve_user_client", { reveal: true })).resolves.toMatchObject({
      client: { secret: sandbox.state.apiClient.secret },
    });
  });
});
