/**
 * Approval pages end to end, on stdio with a client that declares no elicitation: the server opens
 * its loopback page through BROWSER (a test hook that hands the URL to this test, never to the
 * model), a real chromium approves or declines, and the call acts once, or not at all.
 */
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { Client as V1Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport as V1StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { browserHook, browserPage, closeBrowser } from "../helpers/browser.js";
import { CLI, cleanEnv } from "../helpers/cli.js";

afterAll(closeBrowser);

type Kind = "v1" | "legacy" | "modern";

interface Seen {
  /** Everything the model could read: results, log and progress notifications. */
  texts: string[];
}

interface Started {
  call(
    name: string,
    args: Record<string, unknown>,
  ): Promise<{ isError?: boolean; text: string; structured: unknown }>;
  seen: Seen;
  stderr: () => string;
}

async function startServer(kind: Kind, env: Record<string, string>, flags: string[] = []): Promise<Started> {
  const params = {
    command: process.execPath,
    args: [CLI, "--sandbox", "--sandbox-users", "6", "--log-level", "debug", ...flags],
    env: cleanEnv(env),
    stderr: "pipe" as const,
  };
  const seen: Seen = { texts: [] };
  let stderr = "";
  const record = (value: unknown): void => {
    seen.texts.push(JSON.stringify(value));
  };
  if (kind === "v1") {
    const client = new V1Client({ name: "approval-e2e-v1", version: "1.0.0" }, { capabilities: {} });
    const transport = new V1StdioClientTransport(params);
    transport.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    client.fallbackNotificationHandler = async (notification) => record(notification);
    await client.connect(transport);
    onTestFinished(() => client.close());
    return {
      seen,
      stderr: () => stderr,
      call: async (name, args) => {
        const result = await client.callTool({ name, arguments: args }, undefined, {
          timeout: 120_000,
          onprogress: record,
        });
        record(result);
        const content = result.content as Array<{ type: string; text?: string }>;
        return {
          isError: result.isError === true,
          text: content[0]?.text ?? "",
          structured: result.structuredContent,
        };
      },
    };
  }
  const client = new Client(
    { name: `approval-e2e-${kind}`, version: "1.0.0" },
    kind === "modern" ? { versionNegotiation: { mode: { pin: "2026-07-28" } } } : {},
  );
  const transport = new StdioClientTransport(params);
  transport.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  client.setNotificationHandler("notifications/message", (notification) => record(notification));
  await client.connect(transport);
  onTestFinished(() => client.close());
  return {
    seen,
    stderr: () => stderr,
    call: async (name, args) => {
      const result = await client.callTool(
        { name, arguments: args },
        { timeout: 120_000, onprogress: record },
      );
      record(result);
      const content = result.content as Array<{ type: string; text?: string }>;
      return {
        isError: result.isError === true,
        text: content[0]?.text ?? "",
        structured: result.structuredContent,
      };
    },
  };
}

interface ListedUser {
  userId: string;
  email: string;
  owner: boolean;
}

async function someUser(server: Started): Promise<ListedUser> {
  const listed = await server.call("retrieve_user_list", { size: 10 });
  const users = (listed.structured as { users: ListedUser[] }).users;
  const user = users.find((candidate) => !candidate.owner);
  if (!user) throw new Error("the sandbox has no user but the owner");
  return user;
}

async function exists(server: Started, userId: string): Promise<boolean> {
  const got = await server.call("retrieve_user", { userId });
  return !got.isError;
}

describe.each<Kind>(["v1", "legacy", "modern"])(
  "stdio without elicitation (%s client): the browser approves",
  (kind) => {
    it("opens the page in the person's browser; approving deletes the user exactly once; the model never sees the link", {
      timeout: 60_000,
    }, async () => {
      const hook = await browserHook();
      const server = await startServer(kind, hook.env, ["--approval-wait", "60"]);
      const user = await someUser(server);

      const deleting = server.call("delete_user", { userId: user.userId });
      const url = await hook.nextUrl();
      expect(new URL(url).hostname).toBe("127.0.0.1");
      const key = new URL(url).searchParams.get("key") ?? "";
      expect(key.length).toBeGreaterThanOrEqual(40);

      const page = await browserPage();
      await page.goto(url);
      // The secret left the address bar at once (it moved into a cookie for this page only).
      expect(new URL(page.url()).search).toBe("");
      await expect(page.locator(".action").textContent()).resolves.toContain(user.email);
      await page.fill('input[name="typed"]', user.email);
      await page.click('button[value="approve"]');
      await page.waitForSelector(".decided");

      const result = await deleting;
      expect(result.isError, result.text).toBe(false);
      expect(await exists(server, user.userId)).toBe(false);
      // Approving again, or calling again, changes nothing more.
      const again = await server.call("delete_user", { userId: user.userId });
      expect(again.isError).toBe(true);

      for (const text of server.seen.texts) expect(text).not.toContain(key);
      expect(server.stderr()).not.toContain(key);
      expect(server.stderr()).toMatch(
        /"approval":\{"id":"[^"]+","decidedBy":"the holder of the approval link","via":"link"\}/,
      );
    });
  },
);

describe("stdio without elicitation: no", () => {
  it("declining deletes nothing", async () => {
    const hook = await browserHook();
    const server = await startServer("modern", hook.env, ["--approval-wait", "60"]);
    const user = await someUser(server);
    const deleting = server.call("delete_user", { userId: user.userId });
    const page = await browserPage();
    await page.goto(await hook.nextUrl());
    await page.click('button[value="decline"]');
    await page.waitForSelector(".decided");
    const result = await deleting;
    expect(result.isError).toBe(false);
    expect(JSON.stringify(result.structured)).toContain("declined");
    expect(await exists(server, user.userId)).toBe(true);
  });

  it("an approval that expires deletes nothing, and its page says so", async () => {
    const hook = await browserHook();
    const server = await startServer("legacy", hook.env, ["--approval-wait", "10", "--approval-ttl", "2"]);
    const user = await someUser(server);
    const deleting = server.call("delete_user", { userId: user.userId });
    const url = await hook.nextUrl();
    const result = await deleting;
    expect(result.isError).toBe(true);
    expect(result.text).toContain("expired");
    const page = await browserPage();
    await page.goto(url);
    await expect(page.locator("h1").textContent()).resolves.toContain("No such approval");
    expect(await exists(server, user.userId)).toBe(true);
  });
});
