import { describe, expect, it } from "vitest";
import {
  ADMIN_SCOPE,
  missingScope,
  READ_SCOPE,
  scopeForMessage,
  scopeForToolCall,
  toolsAllowed,
  toolsVisibleTo,
  WRITE_SCOPE,
} from "../../src/safety/scope-policy.js";
import { TOOL_SCOPES, TOOLS } from "../../src/tools/registry.js";

const call = (name: unknown, args?: unknown) => ({
  jsonrpc: "2.0",
  id: 1,
  method: "tools/call",
  params: { name, arguments: args },
});

describe("scope policy", () => {
  it("classifies every tool of the registry, and no other", () => {
    expect([...TOOL_SCOPES.keys()].sort()).toEqual(TOOLS.map((tool) => tool.name).sort());
  });

  it("needs read for the read tools, write for the four that change users, admin for the rest", () => {
    const byScope = (scope: string) =>
      [...TOOL_SCOPES]
        .filter(([, needed]) => needed === scope)
        .map(([tool]) => tool)
        .sort();
    expect(byScope(WRITE_SCOPE)).toEqual([
      "create_user",
      "resend_email_verification",
      "reset_password",
      "update_user",
    ]);
    expect(byScope(ADMIN_SCOPE)).toEqual([
      "delete_user",
      "generate_client_secret",
      "regenerate_object_storage_credentials",
    ]);
    // Every read-only tool, auth_status among them, needs read.
    for (const tool of TOOLS.filter((candidate) => candidate.annotations.readOnlyHint)) {
      expect(TOOL_SCOPES.get(tool.name), tool.name).toBe(READ_SCOPE);
    }
  });

  it("needs admin for any reveal but false, and for tools it does not know", () => {
    expect(scopeForToolCall(TOOL_SCOPES, "retrieve_user_client", {})).toBe(READ_SCOPE);
    expect(scopeForToolCall(TOOL_SCOPES, "retrieve_user_client", { reveal: false })).toBe(READ_SCOPE);
    expect(scopeForToolCall(TOOL_SCOPES, "retrieve_user_client", { reveal: true })).toBe(ADMIN_SCOPE);
    expect(scopeForToolCall(TOOL_SCOPES, "list_object_storage_credentials", { reveal: "yes" })).toBe(
      ADMIN_SCOPE,
    );
    expect(scopeForToolCall(TOOL_SCOPES, "update_user", { reveal: 1 })).toBe(ADMIN_SCOPE);
    expect(scopeForToolCall(TOOL_SCOPES, "no_such_tool", {})).toBe(ADMIN_SCOPE);
    expect(scopeForToolCall(TOOL_SCOPES, "constructor", {})).toBe(ADMIN_SCOPE);
    expect(scopeForToolCall(TOOL_SCOPES, "toString", undefined)).toBe(ADMIN_SCOPE);
  });

  it("reads the method of each message: resources, prompts and completions need read; the rest nothing", () => {
    expect(scopeForMessage(TOOL_SCOPES, call("delete_user", { userId: "1" }))).toBe(ADMIN_SCOPE);
    expect(scopeForMessage(TOOL_SCOPES, call(42))).toBe(ADMIN_SCOPE);
    expect(scopeForMessage(TOOL_SCOPES, { method: "tools/call" })).toBe(ADMIN_SCOPE);
    for (const method of [
      "resources/read",
      "resources/list",
      "prompts/get",
      "prompts/list",
      "completion/complete",
    ]) {
      expect(scopeForMessage(TOOL_SCOPES, { method }), method).toBe(READ_SCOPE);
    }
    for (const method of [
      "initialize",
      "ping",
      "server/discover",
      "tools/list",
      "notifications/initialized",
    ]) {
      expect(scopeForMessage(TOOL_SCOPES, { method }), method).toBeUndefined();
    }
    expect(scopeForMessage(TOOL_SCOPES, { jsonrpc: "2.0", id: 1, result: {} })).toBeUndefined();
    expect(scopeForMessage(TOOL_SCOPES, "text")).toBeUndefined();
  });

  it("finds the first scope a body (one message or a batch) needs beyond the granted ones", () => {
    expect(missingScope(TOOL_SCOPES, call("retrieve_user"), [READ_SCOPE])).toBeUndefined();
    expect(missingScope(TOOL_SCOPES, call("delete_user"), [READ_SCOPE, WRITE_SCOPE])).toBe(ADMIN_SCOPE);
    expect(missingScope(TOOL_SCOPES, [call("retrieve_user"), call("update_user")], [READ_SCOPE])).toBe(
      WRITE_SCOPE,
    );
    expect(missingScope(TOOL_SCOPES, { method: "tools/list" }, [])).toBeUndefined();
  });

  it("lists the tools a caller's scopes allow, for tools/list", () => {
    expect(toolsAllowed(TOOL_SCOPES, [])).toEqual(new Set());
    const reader = toolsAllowed(TOOL_SCOPES, [READ_SCOPE]);
    expect(reader.has("retrieve_user_list")).toBe(true);
    expect(reader.has("auth_status")).toBe(true);
    expect(reader.has("update_user")).toBe(false);
    expect(reader.has("delete_user")).toBe(false);
    expect(toolsAllowed(TOOL_SCOPES, [WRITE_SCOPE])).toEqual(
      new Set(["create_user", "update_user", "reset_password", "resend_email_verification"]),
    );
    expect(toolsAllowed(TOOL_SCOPES, [READ_SCOPE, WRITE_SCOPE, ADMIN_SCOPE]).size).toBe(TOOLS.length);
  });

  it("prunes tools/list only for callers with an OAuth token, whose AuthInfo names the issuer", () => {
    expect(toolsVisibleTo(TOOL_SCOPES, undefined)).toBeUndefined();
    const staticToken = {
      token: "(MCP_HTTP_TOKEN)",
      clientId: "static-token",
      scopes: [],
      extra: { subject: "s" },
    };
    expect(toolsVisibleTo(TOOL_SCOPES, staticToken)).toBeUndefined();
    const oauth = {
      ...staticToken,
      scopes: [WRITE_SCOPE],
      extra: { subject: "s", issuer: "https://login.example.com" },
    };
    expect(toolsVisibleTo(TOOL_SCOPES, oauth)).toEqual(toolsAllowed(TOOL_SCOPES, [WRITE_SCOPE]));
  });
});
