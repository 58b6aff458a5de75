import { describe, expect, it } from "vitest";
import { callTool, callToolError, connectToSandbox, NO_CONFIRMATION } from "../helpers/mcp.js";
import { apiRequests } from "../helpers/sandbox.js";
import { accessToken, call } from "../sandbox/raw-http.js";

describe("audit filters as the spec types them", () => {
  it("changedBy is a string: a UUID finds that user's changes, another string is passed on as it is", async () => {
    const { client, sandbox } = await connectToSandbox(NO_CONFIRMATION);
    const owner = [...sandbox.state.users.values()].find((user) => user.owner);
    await callTool(client, "create_user", {
      email: "audited@example.com",
      enabled: true,
      totp: false,
      locale: "en",
    });
    const byOwner = await callTool<{ audits: unknown[] }>(client, "retrieve_user_audits", {
      changedBy: owner?.userId,
    });
    expect(byOwner.audits).toHaveLength(1);
    const byNumber = await callTool<{ audits: unknown[] }>(client, "retrieve_user_audits", {
      changedBy: "54321",
    });
    expect(byNumber.audits).toEqual([]);
    expect(apiRequests(sandbox).at(-1)?.query).toBe("?changedBy=54321");
  });

  it("startDate and endDate must be calendar days: refused before calling the API", async () => {
    const { client, sandbox } = await connectToSandbox();
    for (const [field, value] of [
      ["startDate", "2020-13-45"],
      ["endDate", "2021-02-29"],
      ["startDate", "2026-04-31"],
      ["endDate", "29.11.2026"],
    ] as const) {
      expect(await callToolError(client, "retrieve_user_audits", { [field]: value })).toContain(
        `${field}: dates are calendar days such as 2026-11-29`,
      );
    }
    expect(apiRequests(sandbox)).toHaveLength(0);
    const leapDay = await callTool<{ audits: unknown[] }>(client, "retrieve_user_audits", {
      startDate: "2024-02-29",
      endDate: "2024-02-29",
    });
    expect(leapDay.audits).toEqual([]);
  });

  it("the sandbox answers 400 to a date that is not a calendar day, and takes any changedBy", async () => {
    const { sandbox } = await connectToSandbox();
    const token = await accessToken(sandbox);
    for (const query of ["startDate=2020-13-45", "endDate=2021-02-29", "startDate=2026-1-5"]) {
      const response = await call(sandbox, token, "GET", `/v1/users/audits?${query}`, {});
      expect(response.status, query).toBe(400);
      expect((response.json as { message: string }).message).toContain(
        `${query.split("=")[0]} must be a calendar date (YYYY-MM-DD)`,
      );
    }
    const byString = await call(sandbox, token, "GET", "/v1/users/audits?changedBy=54321", {});
    expect(byString.status).toBe(200);
  });
});
