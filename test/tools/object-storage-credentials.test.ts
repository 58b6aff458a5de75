import { describe, expect, it } from "vitest";
import type { Credential } from "../../src/contabo-api-schemas/object-storage-credentials.js";
import { callTool, callToolError, connectToSandbox, NO_CONFIRMATION } from "../helpers/mcp.js";
import { apiRequests } from "../helpers/sandbox.js";

describe("object storage credential tools", () => {
  it("list, get and regenerate a user's S3 credentials", async () => {
    const { client, sandbox } = await connectToSandbox(NO_CONFIRMATION);
    const user = [...sandbox.state.users.values()].find((u) => !u.owner);
    const list = await callTool<{ credentials: Credential[]; pagination: { totalElements: number } }>(
      client,
      "list_object_storage_credentials",
      { userId: user?.userId, orderBy: ["displayName:asc"], reveal: true },
    );
    expect(list.pagination.totalElements).toBe(2);
    expect(list.credentials.map((c) => c.displayName)).toEqual(["Backups EU", "Media US"]);
    const [first] = list.credentials;
    if (!first) throw new Error("no credential");

    const filtered = await callTool<{ credentials: Credential[] }>(
      client,
      "list_object_storage_credentials",
      {
        userId: user?.userId,
        regionName: "United States (Central)",
      },
    );
    expect(filtered.credentials.map((c) => c.region)).toEqual(["United States (Central)"]);

    const address = {
      userId: user?.userId,
      objectStorageId: first.objectStorageId,
      credentialId: first.credentialId,
    };
    const got = await callTool<{ credential: Credential }>(client, "get_object_storage_credentials", address);
    expect(got.credential).toEqual({ ...first, secretKey: `****${first.secretKey.slice(-4)}` });
    const revealed = await callTool<{ credential: Credential }>(client, "get_object_storage_credentials", {
      ...address,
      reveal: true,
    });
    expect(revealed.credential).toEqual(first);

    const regenerated = await callTool<{ credential: Credential; effect: string }>(
      client,
      "regenerate_object_storage_credentials",
      { ...address, reveal: true },
    );
    expect(regenerated.credential.credentialId).toBe(first.credentialId);
    expect(regenerated.credential.accessKey).toBe(first.accessKey);
    expect(regenerated.credential.secretKey).not.toBe(first.secretKey);
    expect(regenerated.credential.secretKey).toHaveLength(40);
    expect(regenerated.effect).toBe(
      "A new S3 secret key was issued; the old secret key no longer works. The access key is unchanged.",
    );
    expect(apiRequests(sandbox).at(-1)).toMatchObject({
      method: "PATCH",
      path: `/v1/users/${user?.userId}/object-storages/${first.objectStorageId}/credentials/${first.credentialId}`,
    });
  });

  it("regenerating asks first with a preview that says only the secret key changes", async () => {
    const { client, sandbox } = await connectToSandbox({ safety: { confirmMode: "token" } });
    const credential = [...sandbox.state.credentials.values()][0];
    const asked = await callTool<{ confirmationRequired: boolean; preview: { action: string } }>(
      client,
      "regenerate_object_storage_credentials",
      {
        userId: credential?.userId,
        objectStorageId: credential?.objectStorageId,
        credentialId: credential?.credentialId,
      },
    );
    expect(asked.confirmationRequired).toBe(true);
    expect(asked.preview.action).toMatch(/^Issue a new S3 secret key for credential /);
    expect(asked.preview.action).toContain(
      "the current secret key stops working at once for every S3 client using it; the access key stays the same.",
    );
    expect(apiRequests(sandbox).map((request) => request.method)).not.toContain("PATCH");
  });

  it("reports an unknown credential with the API's 404", async () => {
    const { client, sandbox } = await connectToSandbox(NO_CONFIRMATION);
    const user = [...sandbox.state.users.values()].find((u) => !u.owner);
    const storage = sandbox.state.storages[0];
    const text = await callToolError(client, "get_object_storage_credentials", {
      userId: user?.userId,
      objectStorageId: storage?.objectStorageId,
      credentialId: 999_999,
    });
    expect(text).toContain("404 Not Found");
    expect(text).toContain("list_object_storage_credentials");
  });
});
