import { describe, expect, it } from "vitest";
import { callTool, callToolError, connectToSandbox, NO_CONFIRMATION } from "../helpers/mcp.js";
import { apiRequests } from "../helpers/sandbox.js";

describe("e-mail tools", () => {
  it("reset_password sends the e-mail, with the redirect URL", async () => {
    const { client, sandbox } = await connectToSandbox(NO_CONFIRMATION);
    const user = [...sandbox.state.users.values()].find((u) => !u.owner);
    const result = await callTool(client, "reset_password", {
      userId: user?.userId,
      redirectUrl: "https://my.contabo.com/after?x=1",
    });
    expect(result).toEqual({
      ok: true,
      userId: user?.userId,
      effect: "A password reset e-mail was sent.",
      requestId: apiRequests(sandbox).at(-1)?.requestId,
    });
    expect(sandbox.state.outbox).toMatchObject([
      { kind: "reset-password", to: user?.email, redirectUrl: "https://my.contabo.com/after?x=1" },
    ]);
  });

  it("resend_email_verification sends the e-mail, without a redirect URL when none is given", async () => {
    const { client, sandbox } = await connectToSandbox(NO_CONFIRMATION);
    const user = [...sandbox.state.users.values()].find((u) => !u.emailVerified);
    const result = await callTool(client, "resend_email_verification", { userId: user?.userId });
    expect(result).toMatchObject({ ok: true, effect: "A verification e-mail was sent." });
    expect(apiRequests(sandbox).at(-1)).toMatchObject({
      method: "POST",
      path: `/v1/users/${user?.userId}/resend-email-verification`,
      query: "",
    });
    expect(sandbox.state.outbox).toMatchObject([{ kind: "email-verification", to: user?.email }]);
  });

  it("refuses a redirect URL that is not https, before calling the API", async () => {
    const { client, sandbox } = await connectToSandbox(NO_CONFIRMATION);
    const user = [...sandbox.state.users.values()][1];
    for (const redirectUrl of ["javascript:alert(1)", "ftp://example.com", "not a url"]) {
      const text = await callToolError(client, "reset_password", { userId: user?.userId, redirectUrl });
      expect(text).toContain("redirectUrl must be an https URL");
    }
    expect(apiRequests(sandbox)).toHaveLength(0);
    expect(sandbox.state.outbox).toHaveLength(0);
  });

  it.each([
    ["http://attacker.example/phish", "https"],
    ["https://my.contabo.com@attacker.example/", "user name or password"],
    ["https://attacker.example/phish", "not allowed"],
    ["https://evilcontabo.com/", "not allowed"],
    ["https://contabo.com.attacker.example/", "not allowed"],
    // A Cyrillic look-alike of contabo.com (с and о are Cyrillic).
    ["https://\u0441\u043entabo.com/", "not allowed"],
    ["https://93.184.216.34/", "IP address"],
  ])("sends no e-mail for redirectUrl %s, and names the allowed hosts", async (redirectUrl, problem) => {
    const { client, sandbox } = await connectToSandbox(NO_CONFIRMATION);
    const user = [...sandbox.state.users.values()][1];
    for (const tool of ["reset_password", "resend_email_verification"]) {
      const text = await callToolError(client, tool, { userId: user?.userId, redirectUrl });
      expect(text).toContain(problem);
      if (problem !== "https") expect(text).toContain("contabo.com");
    }
    expect(apiRequests(sandbox)).toHaveLength(0);
    expect(sandbox.state.outbox).toHaveLength(0);
  });

  it("accepts the hosts the operator allows with --redirect-hosts, and only them", async () => {
    const { client, sandbox } = await connectToSandbox({
      ...NO_CONFIRMATION,
      redirectHosts: ["example.org"],
    });
    const [first, second] = [...sandbox.state.users.values()];
    await callTool(client, "reset_password", {
      userId: first?.userId,
      redirectUrl: "https://login.example.org/x",
    });
    const text = await callToolError(client, "reset_password", {
      userId: second?.userId,
      redirectUrl: "https://my.contabo.com/",
    });
    expect(text).toContain("example.org");
    expect(sandbox.state.outbox).toHaveLength(1);
  });
});
