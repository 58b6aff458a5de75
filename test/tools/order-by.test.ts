import { describe, expect, it } from "vitest";
import { callTool, callToolError, connectToSandbox } from "../helpers/mcp.js";
import { apiRequests } from "../helpers/sandbox.js";

describe("orderBy in the spec's form", () => {
  it("passes any field:asc|desc on, the spec's example name:asc included", async () => {
    const { client, sandbox } = await connectToSandbox();
    const roles = await callTool<{ roles: Array<{ name: string }> }>(client, "retrieve_role_list", {
      orderBy: ["name:asc"],
      size: 100,
    });
    const names = roles.roles.map((role) => role.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));

    await callTool(client, "retrieve_user_audits", { orderBy: ["username:DESC", "timestamp:asc"] });
    expect(apiRequests(sandbox).at(-1)?.query).toBe("?orderBy=username%3ADESC&orderBy=timestamp%3Aasc");
  });

  it("refuses a malformed entry before calling the API; a field the records lack is the API's to judge", async () => {
    const { client, sandbox } = await connectToSandbox();
    for (const orderBy of [["name"], ["name:up"], ["first name:asc"], [":asc"]]) {
      expect(await callToolError(client, "retrieve_role_list", { orderBy })).toContain(
        "orderBy entries must look like field:asc or field:desc, e.g. name:asc",
      );
    }
    expect(apiRequests(sandbox)).toHaveLength(0);
    // Well-formed, so it is sent; the simulator, like the spec's own name:asc example, reads it
    // (here: ignores it, saying so in a header) rather than refusing it.
    await callTool(client, "retrieve_user_list", { orderBy: ["password:asc"] });
    expect(apiRequests(sandbox).filter((entry) => entry.path === "/v1/users")).toHaveLength(1);
  });
});
