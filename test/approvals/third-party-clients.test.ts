/**
 * Clients as they are: the AI SDK and LangChain's adapters declare no elicitation, so on stdio the
 * approval page opens in the person's browser, the call waits, and it acts once approved.
 */
import { createMCPClient } from "@ai-sdk/mcp";
import { loadMcpTools } from "@langchain/mcp-adapters";
import { describe, expect, it } from "vitest";
import { approvalSetup, PageVisit } from "../helpers/approvals.js";
import { connectClient, serverTransportFor } from "../helpers/mcp.js";

function someUser(setup: Awaited<ReturnType<typeof approvalSetup>>) {
  const user = [...setup.sandbox.state.users.values()].find((candidate) => !candidate.owner);
  if (!user) throw new Error("the sandbox has no user but the owner");
  return user;
}

describe("third-party clients get the browser channel on stdio", () => {
  it("the AI SDK: delete_user waits for the page, and deletes once approved", async () => {
    const setup = await approvalSetup();
    const user = someUser(setup);
    const mcp = await createMCPClient({
      transport: await serverTransportFor(setup.contabo.api, setup.safety),
    });
    try {
      const tools = await mcp.tools();
      const deleting = tools.delete_user?.execute?.(
        { userId: user.userId },
        { toolCallId: "call-1", messages: [] },
      );
      const visit = await PageVisit.open(await setup.nextOpened());
      expect((await visit.approve(user.email)).status).toBe(303);
      const result = (await deleting) as { isError?: boolean };
      expect(result.isError).toBeFalsy();
      expect(setup.sandbox.state.users.has(user.userId)).toBe(false);
    } finally {
      await mcp.close();
    }
  });

  it("LangChain's adapters: the same, through the converted tool", async () => {
    const setup = await approvalSetup();
    const user = someUser(setup);
    const client = await connectClient(setup.contabo.api, { safety: setup.safety });
    const tools = await loadMcpTools("contabo", client as unknown as Parameters<typeof loadMcpTools>[1]);
    const deleting = tools.find((tool) => tool.name === "delete_user")?.invoke({ userId: user.userId });
    const visit = await PageVisit.open(await setup.nextOpened());
    expect((await visit.approve(user.email)).status).toBe(303);
    await deleting;
    expect(setup.sandbox.state.users.has(user.userId)).toBe(false);
  });
});
