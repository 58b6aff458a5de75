/**
 * URL-mode elicitation: a client that declares `elicitation.url` is given the approval page's link
 * through elicitation (2025 era: elicitation/create; 2026-07-28: input_required), never in a tool
 * result; a real chromium approves on the page, and the action happens once.
 */
import type { ElicitRequest } from "@modelcontextprotocol/client";
import { afterAll, describe, expect, it } from "vitest";
import { approvalSetup } from "../helpers/approvals.js";
import { browserPage, closeBrowser } from "../helpers/browser.js";
import { callTool, connectClient, PROTOCOL_ERAS, textOf } from "../helpers/mcp.js";

afterAll(closeBrowser);

interface ListedUser {
  userId: string;
  email: string;
  owner: boolean;
}

describe.each(PROTOCOL_ERAS)("URL elicitation (%s client)", (era) => {
  it("the link reaches the person through elicitation; the browser approves; the user is deleted once", {
    timeout: 60_000,
  }, async () => {
    const setup = await approvalSetup();
    const asked: Array<ElicitRequest["params"]> = [];
    const approvals: Array<Promise<void>> = [];
    const client = await connectClient(setup.contabo.api, {
      safety: setup.safety,
      era,
      capabilities: { elicitation: { url: {} } },
      // The client shows the link to the person, says "accept" (they opened it), and the server waits.
      elicit: (params) => {
        asked.push(params);
        if (params.mode === "url") {
          approvals.push(
            (async () => {
              const page = await browserPage();
              await page.goto(params.url);
              await page.fill('input[name="typed"]', target.email);
              await page.click('button[value="approve"]');
              await page.waitForSelector(".decided");
            })(),
          );
        }
        return { action: "accept" };
      },
    });
    const { users } = await callTool<{ users: ListedUser[] }>(client, "retrieve_user_list", { size: 10 });
    const target = users.find((user) => !user.owner) as ListedUser;

    const result = await client.callTool({ name: "delete_user", arguments: { userId: target.userId } });
    await Promise.all(approvals);
    expect(result.isError, textOf(result as never)).toBeFalsy();
    expect(asked).toHaveLength(1);
    expect(asked[0]?.mode).toBe("url");
    const link = asked[0]?.mode === "url" ? asked[0].url : "";
    const key = new URL(link).searchParams.get("key") ?? "";
    expect(key.length).toBeGreaterThanOrEqual(40);
    expect(JSON.stringify(result)).not.toContain(key);
    expect(JSON.stringify(result)).not.toContain(new URL(link).pathname);
    const after = await client.callTool({ name: "retrieve_user", arguments: { userId: target.userId } });
    expect(after.isError).toBe(true);
  });

  it("the person declining to open the link is a no: nothing is deleted", async () => {
    const setup = await approvalSetup();
    const client = await connectClient(setup.contabo.api, {
      safety: setup.safety,
      era,
      capabilities: { elicitation: { url: {} } },
      elicit: () => ({ action: "decline" }),
    });
    const { users } = await callTool<{ users: ListedUser[] }>(client, "retrieve_user_list", { size: 10 });
    const target = users.find((user) => !user.owner) as ListedUser;
    const result = await client.callTool({ name: "delete_user", arguments: { userId: target.userId } });
    expect(JSON.stringify(result.structuredContent)).toContain("declined");
    await callTool(client, "retrieve_user", { userId: target.userId });
  });
});
