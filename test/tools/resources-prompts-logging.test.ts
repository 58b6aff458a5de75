import { LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { callTool, connectToSandbox, NO_CONFIRMATION } from "../helpers/mcp.js";

function textOfResource(content: { text: string } | { blob: string } | undefined): string {
  return content && "text" in content ? content.text : "";
}

describe("resources", () => {
  it("lists the roles resource and every user through the template", async () => {
    const { client, sandbox } = await connectToSandbox();
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
    const { client, sandbox } = await connectToSandbox();
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
    const { client, sandbox } = await connectToSandbox();
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

describe("prompts", () => {
  it("offers offboard_user, access_review and onboard_user with their arguments", async () => {
    const { client } = await connectToSandbox();
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
    const { client } = await connectToSandbox();
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
    const review = await client.getPrompt({ name: "access_review", arguments: {} });
    expect(review.messages[0]?.content).toMatchObject({ type: "text" });
  });
});

describe("MCP logging", () => {
  it("sends the server's log lines at the level the client set, redacted", async () => {
    const { client, sandbox } = await connectToSandbox(NO_CONFIRMATION);
    const messages: Array<{ level: string; data: unknown }> = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
      messages.push(notification.params);
    });
    await callTool(client, "retrieve_user_list", { size: 1 }); // a read logs at debug: below the default
    await callTool(client, "retrieve_user_client", { reveal: true }); // a reveal logs at info
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(messages.map((m) => m.level)).toEqual(["info"]);
    expect(messages[0]?.data).toMatchObject({
      message: "tool call",
      tool: "retrieve_user_client",
      outcome: "ok",
    });

    await client.setLoggingLevel("debug");
    await callTool(client, "retrieve_user_list", { size: 1 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(messages.at(-1)).toMatchObject({ level: "debug", data: { tool: "retrieve_user_list" } });
    expect(JSON.stringify(messages)).not.toContain(sandbox.state.apiClient.secret);

    await client.setLoggingLevel("error");
    await callTool(client, "update_user", {
      userId: [...sandbox.state.users.values()][2]?.userId,
      firstName: "Quiet",
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(messages.at(-1)?.data).toMatchObject({ tool: "retrieve_user_list" });
  });
});
