import { describe, expect, it } from "vitest";
import { auditTarget } from "../../src/safety/audit.js";
import { TOOLS } from "../../src/tools/registry.js";

describe("audit targets", () => {
  it("are the arguments a tool's definition names, whatever else the call carries", () => {
    const args = {
      userId: "u-1",
      objectStorageId: "o-1",
      credentialId: 7,
      email: "a@example.com",
      roleId: 3,
      size: 5,
    };
    expect(auditTarget(args, ["userId"])).toEqual({ userId: "u-1" });
    expect(auditTarget(args, ["roleId"])).toEqual({ roleId: 3 });
    expect(auditTarget(args, ["userId", "objectStorageId", "credentialId"])).toEqual({
      userId: "u-1",
      objectStorageId: "o-1",
      credentialId: 7,
    });
  });

  it("are the caller's own API client when the tool names none, or none was given", () => {
    expect(auditTarget({ size: 5 }, [])).toEqual({ apiClient: "the caller's own" });
    expect(auditTarget({}, ["userId"])).toEqual({ apiClient: "the caller's own" });
  });

  it("name, for every write of the registry, what its input identifies it by", () => {
    const byTool = Object.fromEntries(TOOLS.map((tool) => [tool.name, tool.auditTarget]));
    expect(byTool.create_user).toEqual(["email"]);
    expect(byTool.delete_user).toEqual(["userId"]);
    expect(byTool.regenerate_object_storage_credentials).toEqual([
      "userId",
      "objectStorageId",
      "credentialId",
    ]);
    expect(byTool.generate_client_secret).toEqual([]);
    expect(byTool.retrieve_role).toEqual(["roleId"]);
  });
});
