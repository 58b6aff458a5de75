import { describe, expect, it } from "vitest";
import { selectTools } from "../../src/safety/tool-filter.js";
import { TOOLS } from "../../src/tools/registry.js";
import { callTool, callToolError, connectToSandbox } from "../helpers/mcp.js";
import { apiRequests } from "../helpers/sandbox.js";

/** The read-only tools, by their definitions' annotations (the tools/list snapshot pins them). */
const READ_TOOLS = TOOLS.filter((tool) => tool.annotations.readOnlyHint)
  .map((tool) => tool.name)
  .sort();

describe("read-only mode and --tools", () => {
  it("--read-only lists only the read-only tools and refuses the others even when called", async () => {
    const { client, sandbox } = await connectToSandbox({ safety: { readOnly: true } });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(READ_TOOLS);
    const owner = [...sandbox.state.users.values()].find((u) => u.owner);
    const writes = TOOLS.filter((tool) => !tool.annotations.readOnlyHint);
    expect(writes.length + READ_TOOLS.length).toBe(TOOLS.length);
    expect(writes.map((tool) => tool.name)).toContain("delete_user");
    for (const tool of writes) {
      // Refused by name before the arguments are even read: nothing reaches the API.
      expect(await callToolError(client, tool.name, { userId: owner?.userId })).toContain(
        `${tool.name} refused: this tool is turned off on this server: read-only mode (--read-only)`,
      );
    }
    await expect(callTool(client, "retrieve_user_list", { size: 1 })).resolves.toHaveProperty("users");
    expect(apiRequests(sandbox).map((r) => r.method)).toEqual(["GET"]);
  });

  it("--tools takes names and globs; read-only wins over it", async () => {
    const { client } = await connectToSandbox({ safety: { allowTools: ["retrieve_user*", "delete_user"] } });
    const { tools } = await client.listTools();
    const named = TOOLS.map((tool) => tool.name).filter(
      (name) => name.startsWith("retrieve_user") || name === "delete_user",
    );
    expect(named).toContain("retrieve_user_list");
    expect(tools.map((t) => t.name).sort()).toEqual(named.sort());
    expect(await callToolError(client, "create_user", {})).toContain(
      "create_user refused: this tool is turned off on this server: not in --tools",
    );

    const both = selectTools(TOOLS, { readOnly: true, allow: ["delete_user", "retrieve_user"] });
    expect([...both.enabled]).toEqual(["retrieve_user"]);
    expect(both.disabled.get("delete_user")).toBe("read-only mode (--read-only)");
    expect(both.disabled.get("create_user")).toBe("read-only mode (--read-only)");
    expect(
      selectTools(TOOLS, { readOnly: false, allow: ["retrieve_user"] }).disabled.get("create_user"),
    ).toBe("not in --tools");
  });

  it("refuses a --tools list that matches nothing, so a typo cannot silently offer nothing", () => {
    expect(() => selectTools(TOOLS, { readOnly: false, allow: ["retreive_user"] })).toThrow(
      "--tools retreive_user matches no tool",
    );
    expect(() => selectTools(TOOLS, { readOnly: false, allow: [] })).toThrow("--tools names no tool");
  });
});

describe("e-mail rate limit", () => {
  it("sends at most one e-mail per user per minute by default, counting both e-mail tools", async () => {
    let now = Date.now();
    const { client, sandbox } = await connectToSandbox({ safety: { now: () => now } });
    const [first, second] = [...sandbox.state.users.values()].filter((u) => !u.owner);
    await callTool(client, "reset_password", { userId: first?.userId });
    const again = await callToolError(client, "resend_email_verification", { userId: first?.userId });
    expect(again).toContain("resend_email_verification refused: this recipient was e-mailed too recently");
    expect(again).toContain("try again in 60 s");
    await callTool(client, "reset_password", { userId: second?.userId });
    now += 60_001;
    await callTool(client, "resend_email_verification", { userId: first?.userId });
    expect(sandbox.state.outbox.map((e) => e.to)).toEqual([first?.email, second?.email, first?.email]);
  });

  it("does not count an e-mail that failed, and can be raised or turned off", async () => {
    const { client, sandbox } = await connectToSandbox({ safety: { emailsPerUserPerMinute: 0 } });
    const user = [...sandbox.state.users.values()].find((u) => !u.owner);
    for (let i = 0; i < 5; i++) await callTool(client, "reset_password", { userId: user?.userId });
    expect(sandbox.state.outbox).toHaveLength(5);

    const limited = await connectToSandbox({ safety: { emailsPerUserPerMinute: 1 } });
    const missing = "00000000-0000-4000-8000-000000000000";
    await callToolError(limited.client, "reset_password", { userId: missing });
    const secondTry = await callToolError(limited.client, "reset_password", { userId: missing });
    expect(secondTry).toContain("404 Not Found"); // the failed send did not use up the slot
  });
});
