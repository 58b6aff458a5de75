import { describe, expect, it } from "vitest";
import { callTool, callToolError, connectToSandbox } from "../helpers/mcp.js";
import { apiRequests } from "../helpers/sandbox.js";
import { askConfirmation } from "./confirm-helpers.js";

const TOKEN_MODE = { confirmMode: "token" } as const;

async function setup(safety: Record<string, unknown> = {}) {
  const { sandbox, client } = await connectToSandbox({ safety: { ...TOKEN_MODE, ...safety } });
  const users = [...sandbox.state.users.values()].filter((u) => !u.owner);
  const [user, other] = users;
  if (!user || !other) throw new Error("seed has too few users");
  const writes = () => apiRequests(sandbox).filter((r) => r.method !== "GET");
  return { sandbox, client, user, other, writes };
}

describe("token mode", () => {
  it("previews with live data and changes nothing; the same call with the token acts", async () => {
    const { client, sandbox, user, writes } = await setup();
    const asked = await askConfirmation(client, "delete_user", { userId: user.userId });
    expect(asked.preview.action).toContain(
      `Delete the user "${user.email}" ("${user.firstName} ${user.lastName}")`,
    );
    expect(asked.preview.target).toMatchObject({
      userId: user.userId,
      email: user.email,
      enabled: user.enabled,
    });
    expect(asked.message).toContain("Show the user this preview");
    expect(writes()).toEqual([]);
    expect(sandbox.state.users.has(user.userId)).toBe(true);

    const done = await callTool(client, "delete_user", {
      userId: user.userId,
      confirmationToken: asked.confirmationToken,
    });
    expect(done).toMatchObject({ ok: true, userId: user.userId });
    expect(sandbox.state.users.has(user.userId)).toBe(false);
    expect(writes().map((r) => r.method)).toEqual(["DELETE"]);
  });

  it("refuses a token for other arguments, including another target (the target is an argument)", async () => {
    const { client, user, other, writes } = await setup();
    const asked = await askConfirmation(client, "update_user", { userId: user.userId, enabled: false });
    const otherArgs = await callToolError(client, "update_user", {
      userId: user.userId,
      enabled: false,
      roles: [],
      confirmationToken: asked.confirmationToken,
    });
    expect(otherArgs).toContain("issued for other arguments");
    expect(otherArgs).toContain("Nothing was done");
    const otherTarget = await callToolError(client, "update_user", {
      userId: other.userId,
      enabled: false,
      confirmationToken: asked.confirmationToken,
    });
    expect(otherTarget).toContain("issued for other arguments");
    const otherTool = await callToolError(client, "delete_user", {
      userId: user.userId,
      confirmationToken: asked.confirmationToken,
    });
    expect(otherTool).toContain("issued for update_user, not delete_user");
    expect(writes()).toEqual([]);
  });

  it("refuses an expired token", async () => {
    let now = Date.now();
    const { client, user, writes } = await setup({ now: () => now, confirmTtlMs: 60_000 });
    const asked = await askConfirmation(client, "delete_user", { userId: user.userId });
    now += 60_001;
    const text = await callToolError(client, "delete_user", {
      userId: user.userId,
      confirmationToken: asked.confirmationToken,
    });
    expect(text).toContain("The confirmationToken expired at");
    expect(text).toContain("without confirmationToken to get a fresh preview");
    expect(writes()).toEqual([]);
  });

  it("cannot be replayed: a token confirms one call, and none once the target changed", async () => {
    const { client, sandbox, user, writes } = await setup();
    const credential = [...sandbox.state.credentials.values()].find((c) => c.userId === user.userId);
    const args = {
      userId: user.userId,
      objectStorageId: credential?.objectStorageId,
      credentialId: credential?.credentialId,
    };
    const asked = await askConfirmation(client, "regenerate_object_storage_credentials", args);
    await callTool(client, "regenerate_object_storage_credentials", {
      ...args,
      confirmationToken: asked.confirmationToken,
    });
    const replay = await callToolError(client, "regenerate_object_storage_credentials", {
      ...args,
      confirmationToken: asked.confirmationToken,
    });
    expect(replay).toContain("This confirmation was used already");
    expect(writes().map((r) => r.method)).toEqual(["PATCH"]);

    // Someone changes the user between the preview and the confirmation.
    const deleteAsked = await askConfirmation(client, "delete_user", { userId: user.userId });
    const stored = sandbox.state.users.get(user.userId);
    if (stored) stored.email = "changed.meanwhile@example.com";
    const stale = await callToolError(client, "delete_user", {
      userId: user.userId,
      confirmationToken: deleteAsked.confirmationToken,
    });
    expect(stale).toContain("The target changed since the preview was made");
    expect(sandbox.state.users.has(user.userId)).toBe(true);
  });

  it("a token spent on one replica is refused by another once the target changed", async () => {
    const key = "shared-key-of-all-replicas-000000";
    const first = await setup({ confirmKey: key });
    const asked = await askConfirmation(first.client, "generate_client_secret", {});
    await callTool(first.client, "generate_client_secret", { confirmationToken: asked.confirmationToken });
    // The other replica logs in with the rotated secret (it must be given it: see the README).
    const { connectClient } = await import("../helpers/mcp.js");
    const { clientFor } = await import("../helpers/sandbox.js");
    const replica = await connectClient(clientFor(first.sandbox).api, {
      safety: { confirmMode: "token", confirmKey: key },
    });
    const replay = await callToolError(replica, "generate_client_secret", {
      confirmationToken: asked.confirmationToken,
    });
    expect(replay).toContain("The target changed since the preview was made");
    expect(first.writes().map((r) => r.method)).toEqual(["PUT"]);
  });

  it("refuses a forged or foreign token, and accepts one from a replica sharing the key", async () => {
    const first = await setup({ confirmKey: "shared-key-of-all-replicas-000000" });
    const asked = await askConfirmation(first.client, "delete_user", { userId: first.user.userId });
    const forged = await callToolError(first.client, "delete_user", {
      userId: first.user.userId,
      confirmationToken: `${asked.confirmationToken}x`,
    });
    expect(forged).toContain("not one this server issued");

    const { connectClient } = await import("../helpers/mcp.js");
    const { clientFor } = await import("../helpers/sandbox.js");
    const replica = await connectClient(clientFor(first.sandbox).api, {
      safety: { confirmMode: "token", confirmKey: "shared-key-of-all-replicas-000000" },
    });
    await callTool(replica, "delete_user", {
      userId: first.user.userId,
      confirmationToken: asked.confirmationToken,
    });
    expect(first.sandbox.state.users.has(first.user.userId)).toBe(false);

    const stranger = await connectClient(clientFor(first.sandbox).api, { safety: { confirmMode: "token" } });
    const other = await askConfirmation(first.client, "delete_user", { userId: first.other.userId });
    const refused = await callToolError(stranger, "delete_user", {
      userId: first.other.userId,
      confirmationToken: other.confirmationToken,
    });
    expect(refused).toContain("not one this server issued");
  });

  it("asks only for the calls that need it", async () => {
    const { client, user, sandbox } = await setup();
    // A name or locale change is not sensitive; disabling or changing roles is.
    await expect(
      callTool(client, "update_user", { userId: user.userId, firstName: "Renamed", locale: "de" }),
    ).resolves.toMatchObject({
      ok: true,
    });
    await askConfirmation(client, "update_user", { userId: user.userId, enabled: false });
    await askConfirmation(client, "update_user", { userId: user.userId, roles: ["3"] });
    // Enabling undoes a lock-out: it asks too.
    await askConfirmation(client, "update_user", { userId: user.userId, enabled: true });
    // Reading is free; revealing a secret is not.
    await expect(callTool(client, "retrieve_user_client")).resolves.toMatchObject({
      client: { clientId: "DE-54321" },
    });
    const reveal = await askConfirmation(client, "retrieve_user_client", { reveal: true });
    expect(reveal.preview.action).toBe('Show the full secret of API client "DE-54321" in this conversation.');
    expect(JSON.stringify(reveal)).not.toContain(sandbox.state.apiClient.secret);
    const revealed = await callTool<{ client: { secret: string } }>(client, "retrieve_user_client", {
      reveal: true,
      confirmationToken: reveal.confirmationToken,
    });
    expect(revealed.client.secret).toBe(sandbox.state.apiClient.secret);
    const credential = [...sandbox.state.credentials.values()].find((c) => c.userId === user.userId);
    const address = {
      userId: user.userId,
      objectStorageId: credential?.objectStorageId,
      credentialId: credential?.credentialId,
    };
    const listed = await callTool<{ credentials: Array<{ secretKey: string }> }>(
      client,
      "list_object_storage_credentials",
      {
        userId: user.userId,
      },
    );
    expect(listed.credentials.every((c) => c.secretKey.startsWith("****"))).toBe(true);
    const listReveal = await askConfirmation(client, "list_object_storage_credentials", {
      userId: user.userId,
      reveal: true,
    });
    expect(listReveal.preview.action).toContain("Show the full S3 secret keys of 2 credential(s)");
    const getReveal = await askConfirmation(client, "get_object_storage_credentials", {
      ...address,
      reveal: true,
    });
    const got = await callTool<{ credential: { secretKey: string } }>(
      client,
      "get_object_storage_credentials",
      {
        ...address,
        reveal: true,
        confirmationToken: getReveal.confirmationToken,
      },
    );
    expect(got.credential.secretKey).toBe(credential?.secretKey);
    await askConfirmation(client, "generate_client_secret", {});
    await askConfirmation(client, "update_user", { userId: user.userId, email: "new.address@example.com" });
    await askConfirmation(client, "update_user", { userId: user.userId, totp: false });
  });
});
