/**
 * Team mode end to end: three replicas behind HAProxy sharing Redis, callers and approvers from a
 * real oidc-provider. The agent's call makes an approval on one replica; the webhook announces it;
 * another person signs in through chromium (authorization code with PKCE) on whichever replica
 * HAProxy picks and approves; the call acts once. Four eyes and the approve scope are enforced.
 */
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import type { Page } from "playwright-core";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { SCOPES } from "../../src/safety/scope-policy.js";
import { browserPage, closeBrowser } from "../helpers/browser.js";
import { sandboxEnv, startHaproxy, startReplica } from "../helpers/fleet.js";
import { postReceiver } from "../helpers/post-receiver.js";
import { freePort, startRedis } from "../helpers/redis.js";
import { useSandbox } from "../helpers/sandbox.js";
import { startAuthorizationServer } from "../transports/oauth/authorization-server.js";

afterAll(closeBrowser);

/** A webhook receiver: each announced approval, as a signal. */
async function webhook() {
  const receiver = await postReceiver();
  return {
    url: `${receiver.url}hook`,
    next: async () => JSON.parse(await receiver.next()) as unknown,
  };
}

async function team() {
  const front = await freePort();
  const origin = `http://127.0.0.1:${front}`;
  const publicUrl = `${origin}/mcp`;
  const hook = await webhook();
  const [sandbox, redis, issuer] = await Promise.all([
    useSandbox(),
    startRedis(),
    startAuthorizationServer(publicUrl, {
      redirectUri: `${origin}/approvals/callback`,
      approvers: ["agent", "bob"],
    }),
  ]);
  const args = [
    "--oauth-issuer",
    issuer.issuer,
    "--public-url",
    publicUrl,
    "--approval-client-id",
    issuer.approvals.id,
    "--approval-webhook",
    hook.url,
    "--approval-wait",
    "90",
  ];
  const env = { ...sandboxEnv(sandbox), CONTABO_MCP_APPROVAL_CLIENT_SECRET: issuer.approvals.secret };
  const replicas = await Promise.all([0, 1, 2].map(() => startReplica(env, redis.url, args)));
  // The agent talks to the first replica; people reach the pages through HAProxy, which sends them
  // to the other two only: the decision is surely made on another replica than the waiting call.
  const [caller, ...others] = replicas;
  if (!caller) throw new Error("no replica");
  await startHaproxy([others[0]?.address ?? "", others[1]?.address ?? "", others[0]?.address ?? ""], front);
  const token = await issuer.token(issuer.agent, SCOPES.join(" "));
  const client = new Client(
    { name: "team-agent", version: "1.0.0" },
    { versionNegotiation: { mode: { pin: "2026-07-28" } } },
  );
  await client.connect(
    new StreamableHTTPClientTransport(new URL(caller.url), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  onTestFinished(() => client.close());
  const target = [...sandbox.state.users.values()].find((user) => !user.owner);
  if (!target) throw new Error("no user to delete");
  return { origin, hook, client, target, sandbox, caller, others };
}

/** Signs in at the provider's page as `name`, starting from an approval page. */
async function signInAndOpen(page: Page, url: string, name: string): Promise<void> {
  await page.goto(url);
  await page.fill('input[name="login"]', name);
  await page.click('button[type="submit"]');
  await page.waitForURL((address) => address.pathname.startsWith("/approvals"));
}

describe("team mode: approvals behind the OpenID provider", () => {
  it("another person approves on another replica; the same subject is refused under four eyes; no scope, no approval", {
    timeout: 120_000,
  }, async () => {
    const { hook, client, target, sandbox, caller, others } = await team();
    const progress: string[] = [];
    const deleting = client.callTool(
      { name: "delete_user", arguments: { userId: target.userId } },
      { timeout: 110_000, onprogress: (p) => progress.push(p.message ?? "") },
    );
    const announced = (await hook.next()) as { approval: { url: string; tool: string; fourEyes: boolean } };
    expect(announced.approval.tool).toBe("delete_user");
    expect(announced.approval.fourEyes).toBe(true);
    const link = announced.approval.url;
    expect(new URL(link).search).toBe("");

    // Mallory is no approver: she is shown nothing to decide.
    const mallory = await browserPage();
    await signInAndOpen(mallory, link, "mallory");
    await expect(mallory.locator("h1").textContent()).resolves.toContain("Not an approver");

    // The caller's own subject may look, but not decide (four eyes).
    const self = await browserPage();
    await signInAndOpen(self, link, "agent");
    await expect(self.locator(".notice").textContent()).resolves.toContain("four eyes");
    expect(await self.locator('button[value="approve"]').count()).toBe(0);

    // Bob lists the pending approvals and approves.
    const bob = await browserPage();
    await signInAndOpen(bob, link.replace(/\/approvals\/.*$/, "/approvals"), "bob");
    await bob.click(`a[href="${new URL(link).pathname}"]`);
    await bob.fill('input[name="typed"]', target.email);
    await bob.click('button[value="approve"]');
    await bob.waitForSelector(".decided");
    await expect(bob.locator(".decided").textContent()).resolves.toContain("oidc:bob");

    const result = await deleting;
    expect(result.isError, JSON.stringify(result)).toBeFalsy();
    expect(sandbox.state.users.has(target.userId)).toBe(false);
    const deletes = sandbox.requestLog.filter((entry) => entry.method === "DELETE");
    expect(deletes).toHaveLength(1);
    // Decided on another replica, acted on by the caller's, once.
    const decidedOn = others.map((replica) => replica.stderr()).join("\n");
    expect(decidedOn).toMatch(/"approval":\{"id":"[^"]+","decidedBy":"oidc:bob","via":"sign-in"\}/);
    expect(caller.stderr()).toMatch(/"tool":"delete_user".*"decision":"confirmed","outcome":"ok"/);
    expect(progress.some((message) => message.includes("waiting for their decision"))).toBe(true);
  });
});
