import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ContaboApiError } from "../../src/client/errors.js";
import { createLogger } from "../../src/shared/log.js";
import { maskSecret, SecretRedactor } from "../../src/shared/secrets.js";
import { toolError } from "../../src/tools/tool-result.js";
import { callTool, callToolError, connectToSandbox } from "../helpers/mcp.js";
import { askConfirmation } from "./confirm-helpers.js";

describe("audit log", () => {
  it("writes one line per state-changing call and per decision, to the sink and a 0600 file", async () => {
    const lines: string[] = [];
    const file = join(mkdtempSync(join(tmpdir(), "audit-")), "audit.jsonl");
    const { client, sandbox } = await connectToSandbox({
      safety: { confirmMode: "token", auditSink: (line) => lines.push(line), auditFile: file },
    });
    const user = [...sandbox.state.users.values()].find((u) => !u.owner);
    await callTool(client, "retrieve_user_list", {}); // reads are not audited
    await callTool(client, "update_user", { userId: user?.userId, firstName: "Renamed" });
    const asked = await askConfirmation(client, "delete_user", { userId: user?.userId });
    await callToolError(client, "delete_user", { userId: user?.userId, confirmationToken: "forged.token" });
    await callTool(client, "delete_user", {
      userId: user?.userId,
      confirmationToken: asked.confirmationToken,
    });
    await callToolError(client, "create_user", {
      email: "anna.schmidt@example.com",
      enabled: true,
      totp: false,
      locale: "en",
    });

    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((r) => [r.tool, r.decision, r.outcome])).toEqual([
      ["update_user", "not-required", "ok"],
      ["delete_user", "asked", "not-run"],
      ["delete_user", "refused", "not-run"],
      ["delete_user", "confirmed", "ok"],
      ["create_user", "not-required", "error"],
    ]);
    const confirmed = records[3];
    expect(confirmed).toMatchObject({
      audit: true,
      target: { userId: user?.userId },
      // The token is not an argument of the call: it is never written down.
      arguments: { userId: user?.userId },
      caller: "stdio",
      confirmMode: "token",
    });
    expect(confirmed?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(String(records[4]?.error)).toContain("409 Conflict");
    expect(records[4]?.target).toEqual({ email: "anna.schmidt@example.com" });
    expect(Date.parse(String(records[0]?.time))).not.toBeNaN();

    expect(readFileSync(file, "utf8")).toBe(lines.join(""));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(lines.join("")).not.toContain(asked.confirmationToken);
  });

  it("records declined, cancelled and expired decisions", async () => {
    const lines: string[] = [];
    let now = Date.now();
    let action: "decline" | "cancel" = "decline";
    const elicited = await connectToSandbox({
      safety: { confirmMode: "elicit", auditSink: (line) => lines.push(line) },
      elicit: () => ({ action }),
    });
    await callTool(elicited.client, "generate_client_secret");
    action = "cancel";
    await callTool(elicited.client, "generate_client_secret");
    const tokens = await connectToSandbox({
      safety: { confirmMode: "token", auditSink: (line) => lines.push(line), now: () => now },
    });
    const asked = await askConfirmation(tokens.client, "generate_client_secret", {});
    now += 10 * 60_000;
    await callToolError(tokens.client, "generate_client_secret", {
      confirmationToken: asked.confirmationToken,
    });
    // A form is one round to ask and one with the answer: both are audited.
    expect(lines.map((line) => JSON.parse(line).decision)).toEqual([
      "asked",
      "declined",
      "asked",
      "cancelled",
      "asked",
      "expired",
    ]);
  });

  it("audits revealing a secret, a read that needs confirmation", async () => {
    const lines: string[] = [];
    const { client } = await connectToSandbox({
      safety: { confirmMode: "off", auditSink: (line) => lines.push(line) },
    });
    await callTool(client, "retrieve_user_client", { reveal: true });
    expect(JSON.parse(lines[0] ?? "{}")).toMatchObject({
      tool: "retrieve_user_client",
      decision: "unconfirmed",
      outcome: "ok",
    });
  });
});

describe("redaction", () => {
  it("masks secrets to their last 4 characters", () => {
    expect(maskSecret("7271e905-239e-4d15-a8c5-527743a58390")).toBe("****8390");
    expect(maskSecret("abc")).toBe("****");
  });

  it("removes known secrets and secret-keyed values from text and values", () => {
    const redactor = new SecretRedactor();
    redactor.remember("s3cr3t-client-secret");
    redactor.remember("short"); // too short to scrub from text safely
    redactor.rememberFieldsOf({
      data: [{ secretKey: "wJalrXK7MDENGbPxRfiCYEXAMPLEKEY", accessKey: "AKIA" }],
    });
    expect(redactor.text("login with s3cr3t-client-secret failed")).toBe("login with [redacted] failed");
    expect(redactor.text("key wJalrXK7MDENGbPxRfiCYEXAMPLEKEY")).toBe("key [redacted]");
    expect(redactor.text("Authorization: Bearer eyJhbGciOi.abc.def")).toBe(
      "Authorization: Bearer [redacted]",
    );
    expect(
      redactor.value({
        password: "x",
        nested: { clientSecret: "y", note: "has s3cr3t-client-secret" },
        count: 3,
      }),
    ).toEqual({
      password: "[redacted]",
      nested: { clientSecret: "[redacted]", note: "has [redacted]" },
      count: 3,
    });
  });

  it("learns the secrets of an answer from its JSON text, however its keys are written", () => {
    const redactor = new SecretRedactor();
    const answers = [
      '{"data":[{"secretKey":"plain-key-secret-1"}]}',
      '{"data":[{"SECRETKEY":"upper-case-secret-2"}]}',
      // JSON.parse spells the key "secretKey": the text alone does not show it.
      '{"data":[{"\\u0073ecretKey":"escaped-key-secret-3"}]}',
    ];
    for (const json of answers) redactor.rememberFieldsOf(JSON.parse(json), json);
    expect(redactor.text("plain-key-secret-1 upper-case-secret-2 escaped-key-secret-3")).toBe(
      "[redacted] [redacted] [redacted]",
    );
    const quiet = '{"data":[{"email":"long-enough-value@example.com"}]}';
    redactor.rememberFieldsOf(JSON.parse(quiet), quiet);
    expect(redactor.text("long-enough-value@example.com")).toBe("long-enough-value@example.com");
  });

  it("keeps the most recent 1,000 secrets, so that its cost stays bounded", () => {
    const redactor = new SecretRedactor();
    redactor.remember("the-configured-password", true);
    for (let i = 0; i < 1_000; i++) redactor.remember(`listed-secret-${i}`);
    expect(redactor.text("listed-secret-999")).toBe("[redacted]");
    // Configured credentials are pinned: never forgotten.
    expect(redactor.text("the-configured-password")).toBe("[redacted]");
    redactor.remember("listed-secret-0"); // seen again: most recent now
    redactor.remember("one-more-secret");
    expect(redactor.text("listed-secret-0 listed-secret-1")).toBe("[redacted] listed-secret-1");
  });

  it("applies to log lines and to error messages that leave the process", () => {
    const redactor = new SecretRedactor();
    redactor.remember("api-password-123");
    const lines: string[] = [];
    createLogger("debug", (line) => lines.push(line), redactor).warn("login api-password-123", {
      password: "api-password-123",
      token: "abc",
    });
    expect(lines[0]).not.toContain("api-password-123");
    expect(JSON.parse(lines[0] ?? "{}")).toMatchObject({
      message: "login [redacted]",
      password: "[redacted]",
      token: "[redacted]",
    });

    const error = new ContaboApiError(400, "bad value api-password-123", "POST /v1/users", "rid");
    const result = toolError("create_user", error, redactor);
    expect(JSON.stringify(result)).not.toContain("api-password-123");
  });
});
