import {
  Client,
  InMemoryTransport,
  LOG_LEVEL_META_KEY,
  type LoggingLevel,
  ProtocolErrorCode,
} from "@modelcontextprotocol/client";
import { McpServer } from "@modelcontextprotocol/server";
import { describe, expect, it, onTestFinished } from "vitest";
import { z } from "zod";
import { McpLogLevel } from "../../src/mcp/mcp-logging.js";
import type { LogFields } from "../../src/shared/log.js";
import { SecretRedactor } from "../../src/shared/secrets.js";
import { callTool, connectToSandbox, NO_CONFIRMATION, PROTOCOL_ERAS } from "../helpers/mcp.js";
import { apiRequests } from "../helpers/sandbox.js";
import { until } from "../helpers/until.js";

const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";

function textOfResource(content: { text: string } | { blob: string } | undefined): string {
  return content && "text" in content ? content.text : "";
}

describe.each(PROTOCOL_ERAS)("resources (%s era)", (era) => {
  it("lists the roles resource and every user through the template", async () => {
    const { client, sandbox } = await connectToSandbox({ era });
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toContain("contabo://roles");
    const owner = [...sandbox.state.users.values()].find((u) => u.owner);
    expect(resources).toContainEqual(
      expect.objectContaining({
        uri: `contabo://users/${owner?.userId}`,
        name: owner?.email,
        title: "Anna Schmidt",
      }),
    );
    expect(resources.filter((r) => r.uri.startsWith("contabo://users/"))).toHaveLength(25);
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(["contabo://users/{userId}"]);
  });

  it("reads the roles and one user as JSON", async () => {
    const { client, sandbox } = await connectToSandbox({ era });
    const roles = await client.readResource({ uri: "contabo://roles" });
    const parsed = JSON.parse(textOfResource(roles.contents[0])) as Array<{ name: string }>;
    expect(parsed.map((r) => r.name)).toContain("Billing");
    const user = [...sandbox.state.users.values()][3];
    const read = await client.readResource({ uri: `contabo://users/${user?.userId}` });
    expect(read.contents[0]).toMatchObject({ mimeType: "application/json" });
    expect(JSON.parse(textOfResource(read.contents[0]))).toMatchObject({
      userId: user?.userId,
      email: user?.email,
    });
  });

  it("completes a userId from part of an id or an e-mail", async () => {
    const { client, sandbox } = await connectToSandbox({ era });
    const owner = [...sandbox.state.users.values()].find((u) => u.owner);
    const byEmail = await client.complete({
      ref: { type: "ref/resource", uri: "contabo://users/{userId}" },
      argument: { name: "userId", value: "anna.sch" },
    });
    expect(byEmail.completion.values).toEqual([owner?.userId]);
    const byId = await client.complete({
      ref: { type: "ref/resource", uri: "contabo://users/{userId}" },
      argument: { name: "userId", value: owner?.userId.slice(0, 8) ?? "" },
    });
    expect(byId.completion.values).toContain(owner?.userId);
  });
});

describe.each(PROTOCOL_ERAS)("resources: limits and errors (%s era)", (era) => {
  it("serves only the resources whose tools are enabled (--tools)", async () => {
    const { client } = await connectToSandbox({ era, safety: { allowTools: ["retrieve_role_list"] } });
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(["contabo://roles"]);
    expect((await client.listResourceTemplates()).resourceTemplates).toEqual([]);
    await expect(client.readResource({ uri: `contabo://users/${UNKNOWN_ID}` })).rejects.toThrow(/not found/i);
  });

  it("answers resource-not-found (SEP-2164: -32602 with the uri as data) for an unknown user, invalid params for a bad id", async () => {
    const { client } = await connectToSandbox({ era });
    await expect(client.readResource({ uri: `contabo://users/${UNKNOWN_ID}` })).rejects.toMatchObject({
      code: ProtocolErrorCode.InvalidParams,
      message: expect.stringContaining(`contabo://users/${UNKNOWN_ID} (no such user)`),
      data: { uri: `contabo://users/${UNKNOWN_ID}` },
    });
    await expect(client.readResource({ uri: "contabo://users/not-an-id" })).rejects.toMatchObject({
      code: ProtocolErrorCode.InvalidParams,
      message: expect.stringContaining("the userId must be a UUID"),
    });
  });

  it("completes an e-mail with one filtered request, not by reading every user", async () => {
    const { client, sandbox } = await connectToSandbox({ era, sandbox: { userCount: 500 } });
    const before = apiRequests(sandbox).length;
    const found = await client.complete({
      ref: { type: "ref/resource", uri: "contabo://users/{userId}" },
      argument: { name: "userId", value: "anna.schmidt@" },
    });
    expect(found.completion.values).toHaveLength(1);
    const sent = apiRequests(sandbox).slice(before);
    expect(sent.map((r) => `${r.method} ${r.path} ${new URLSearchParams(r.query).get("email")}`)).toEqual([
      "GET /v1/users anna.schmidt@",
    ]);
  });
});

describe.each(PROTOCOL_ERAS)("prompts (%s era)", (era) => {
  it("offers offboard_user, access_review and onboard_user with their arguments", async () => {
    const { client } = await connectToSandbox({ era });
    const { prompts } = await client.listPrompts();
    expect(
      prompts.map((p) => [p.name, (p.arguments ?? []).map((a) => `${a.name}${a.required ? "" : "?"}`)]),
    ).toEqual([
      ["offboard_user", ["user"]],
      ["access_review", ["focus?"]],
      ["onboard_user", ["email", "firstName?", "lastName?", "locale?", "roles?"]],
    ]);
  });

  it("turns the arguments into a plan that uses the tools and the confirmation policy", async () => {
    const { client } = await connectToSandbox({ era });
    const offboard = await client.getPrompt({
      name: "offboard_user",
      arguments: { user: "jane@example.com" },
    });
    const text = offboard.messages.map((m) => (m.content.type === "text" ? m.content.text : "")).join("\n");
    expect(text).toContain("Offboard the Contabo user jane@example.com.");
    for (const tool of [
      "update_user",
      "list_object_storage_credentials",
      "regenerate_object_storage_credentials",
      "delete_user",
    ]) {
      expect(text).toContain(tool);
    }
    expect(text).toContain("ask for confirmation");
    const onboard = await client.getPrompt({
      name: "onboard_user",
      arguments: { email: "new@example.com", roles: "Read only, Billing", locale: "de" },
    });
    const onboardText = onboard.messages
      .map((m) => (m.content.type === "text" ? m.content.text : ""))
      .join("\n");
    expect(onboardText).toContain("create_user with email=new@example.com, locale=de");
    expect(onboardText).toContain("Read only, Billing");
    const review = await client.getPrompt({ name: "access_review", arguments: { focus: "2FA" } });
    const reviewText = review.messages
      .map((m) => (m.content.type === "text" ? m.content.text : ""))
      .join("\n");
    expect(reviewText).toContain("totp=false");
    expect(reviewText).toContain("rather than reading every user");
    expect(reviewText).toContain("retrieve_role_list");
    expect(reviewText).toContain("without changing anything");
    expect(reviewText).toContain("Focus on: 2FA.");
  });
});

describe("MCP logging", () => {
  it("redacts a secret in a forwarded log line, and still writes the line to the server's log", async () => {
    const redactor = new SecretRedactor();
    const secret = "s3cr3t-Value-That-Must-Not-Leak-1234";
    redactor.remember(secret);
    const written: Array<{ message: string; fields?: LogFields }> = [];
    const record = (message: string, fields?: LogFields) => written.push({ message, fields });
    const server = new McpServer(
      { name: "logging-test", version: "1.0.0" },
      { capabilities: { logging: {} } },
    );
    const level = new McpLogLevel("legacy");
    level.install(server);
    server.registerTool("echo_secret", { inputSchema: z.object({}) }, async (_args, ctx) => {
      level
        .forRequest(ctx, { debug: record, info: record, warn: record, error: record }, redactor)
        .warn(`token refresh answered ${secret}`, { echoed: secret });
      return { content: [] };
    });
    const client = new Client({ name: "test-client", version: "1.0.0" });
    const messages: unknown[] = [];
    client.setNotificationHandler("notifications/message", (n) => {
      messages.push(n.params.data);
    });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
    onTestFinished(() => client.close());

    await client.setLoggingLevel("warning");
    await client.callTool({ name: "echo_secret", arguments: {} });
    await until(() => messages.length === 1);
    expect(JSON.stringify(messages)).not.toContain(secret);
    expect(JSON.stringify(messages)).toContain("token refresh answered");
    expect(written).toHaveLength(1);
  });

  it("2025 era: sends nothing until the client sets a level, then the lines at or above it, redacted", async () => {
    const { client, sandbox } = await connectToSandbox(NO_CONFIRMATION);
    const messages: Array<{ level: string; data: unknown }> = [];
    client.setNotificationHandler("notifications/message", (notification) => {
      messages.push(notification.params);
    });
    await callTool(client, "retrieve_user_client", { reveal: true }); // a reveal logs at info
    await callTool(client, "update_user", {
      userId: [...sandbox.state.users.values()][2]?.userId,
      firstName: "Unheard",
    });
    // No level set: no notification at all, not even at info. The calls' results came after any
    // notification they would have sent on this ordered in-memory link, so none is in flight.
    expect(messages).toEqual([]);

    await client.setLoggingLevel("info");
    await callTool(client, "retrieve_user_list", { size: 1 }); // a plain read logs at debug: below info
    await callTool(client, "retrieve_user_client", { reveal: true });
    await until(() => messages.length === 1);
    expect(messages.map((m) => m.level)).toEqual(["info"]);
    expect(messages[0]?.data).toMatchObject({
      message: "tool call",
      tool: "retrieve_user_client",
      outcome: "ok",
    });

    await client.setLoggingLevel("debug");
    await callTool(client, "retrieve_user_list", { size: 1 });
    await until(() => messages.length === 2);
    expect(messages.at(-1)).toMatchObject({ level: "debug", data: { tool: "retrieve_user_list" } });
    expect(JSON.stringify(messages)).not.toContain(sandbox.state.apiClient.secret);

    await client.setLoggingLevel("error");
    await callTool(client, "update_user", {
      userId: [...sandbox.state.users.values()][2]?.userId,
      firstName: "Quiet",
    });
    expect(messages).toHaveLength(2);
  });

  it("2026-07-28: sends a request's lines only when that request carries a log level in _meta", async () => {
    const { client, sandbox } = await connectToSandbox({ ...NO_CONFIRMATION, era: "modern" });
    const messages: Array<{ level: string; data: unknown }> = [];
    client.setNotificationHandler("notifications/message", (notification) => {
      messages.push(notification.params);
    });
    const withLevel = (level: LoggingLevel) => ({ _meta: { [LOG_LEVEL_META_KEY]: level } });
    await client.callTool({ name: "retrieve_user_client", arguments: { reveal: true } });
    expect(messages).toEqual([]);

    await client.callTool({ name: "retrieve_user_list", arguments: { size: 1 }, ...withLevel("info") });
    await client.callTool({
      name: "retrieve_user_client",
      arguments: { reveal: true },
      ...withLevel("info"),
    });
    await until(() => messages.length === 1);
    expect(messages[0]).toMatchObject({ level: "info", data: { tool: "retrieve_user_client" } });

    await client.callTool({ name: "retrieve_user_list", arguments: { size: 1 }, ...withLevel("debug") });
    await until(() => messages.length === 2);
    expect(messages[1]).toMatchObject({ level: "debug", data: { tool: "retrieve_user_list" } });
    // The level is per request: the next request without one gets nothing again.
    await client.callTool({ name: "retrieve_user_list", arguments: { size: 1 } });
    expect(messages).toHaveLength(2);
    expect(JSON.stringify(messages)).not.toContain(sandbox.state.apiClient.secret);
  });
});
