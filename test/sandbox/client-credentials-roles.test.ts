import { describe, expect, it } from "vitest";
import {
  findClientResponseSchema,
  generateClientSecretResponseSchema,
} from "../../src/contabo-api-schemas/client-secret.js";
import {
  findCredentialResponseSchema,
  listCredentialResponseSchema,
} from "../../src/contabo-api-schemas/object-storage-credentials.js";
import { listRoleResponseSchema } from "../../src/contabo-api-schemas/users.js";
import { useSandbox } from "../helpers/sandbox.js";
import { accessToken, call } from "./raw-http.js";

async function setup() {
  const sandbox = await useSandbox();
  const token = await accessToken(sandbox);
  const api = (method: string, path: string) => call(sandbox, token, method, path);
  const user = [...sandbox.state.users.values()].find((u) => !u.owner);
  if (!user) throw new Error("seed has no user");
  return { sandbox, api, user };
}

describe("sandbox: API client", () => {
  it("returns the client with its secret, and rotates the secret with PUT", async () => {
    const { api, sandbox } = await setup();
    const before = findClientResponseSchema.parse((await api("GET", "/v1/users/client")).json);
    expect(before.data[0]).toMatchObject({ tenantId: "DE", customerId: "54321", clientId: "DE-54321" });
    expect(before._links).toEqual({ self: "/v1/users/client" });
    const rotated = generateClientSecretResponseSchema.parse(
      (await api("PUT", "/v1/users/client/secret")).json,
    );
    expect(rotated.data[0]?.secret).not.toBe(before.data[0]?.secret);
    expect(rotated.data[0]?.secret).toBe(sandbox.login().clientSecret);
    expect((await api("POST", "/v1/users/client/secret")).status).toBe(405);
  });
});

describe("sandbox: object storage credentials", () => {
  it("lists a user's credentials for both storages, filterable", async () => {
    const { api, user, sandbox } = await setup();
    const base = `/v1/users/${user.userId}/object-storages/credentials`;
    const all = listCredentialResponseSchema.parse((await api("GET", base)).json);
    expect(all.data).toHaveLength(2);
    expect(all._pagination).toEqual({ page: 1, size: 10, totalElements: 2, totalPages: 1 });
    expect(all._links?.self).toBe(`${base}?page=1&size=10`);
    expect(all.data.every((c) => Number.isInteger(c.credentialId))).toBe(true);
    const eu = listCredentialResponseSchema.parse(
      (await api("GET", `${base}?regionName=European%20Union`)).json,
    );
    expect(eu.data.map((c) => c.region)).toEqual(["European Union"]);
    const storageId = sandbox.state.storages[1]?.objectStorageId;
    const byStorage = listCredentialResponseSchema.parse(
      (await api("GET", `${base}?objectStorageId=${storageId}`)).json,
    );
    expect(byStorage.data.map((c) => c.displayName)).toEqual(["Media US"]);
    const byName = listCredentialResponseSchema.parse((await api("GET", `${base}?displayName=backups`)).json);
    expect(byName.data.map((c) => c.displayName)).toEqual(["Backups EU"]);
  });

  it("gets one credential and regenerates its secret key with PATCH, keeping the access key", async () => {
    const { api, user } = await setup();
    const list = listCredentialResponseSchema.parse(
      (await api("GET", `/v1/users/${user.userId}/object-storages/credentials`)).json,
    );
    const credential = list.data[0];
    const path = `/v1/users/${user.userId}/object-storages/${credential?.objectStorageId}/credentials/${credential?.credentialId}`;
    const found = findCredentialResponseSchema.parse((await api("GET", path)).json);
    expect(found.data).toEqual([credential]);
    expect(found._links).toEqual({ self: path });
    const regenerated = findCredentialResponseSchema.parse((await api("PATCH", path)).json);
    expect(regenerated.data[0]?.credentialId).toBe(credential?.credentialId);
    expect(regenerated.data[0]?.accessKey).toBe(credential?.accessKey);
    expect(regenerated.data[0]?.secretKey).not.toBe(credential?.secretKey);
    const after = findCredentialResponseSchema.parse((await api("GET", path)).json);
    expect(after.data).toEqual(regenerated.data);
  });

  it("answers 404 for a credential of another user or storage, or not a number", async () => {
    const { api, user, sandbox } = await setup();
    const other = [...sandbox.state.credentials.values()].find((c) => c.userId !== user.userId);
    const own = [...sandbox.state.credentials.values()].find((c) => c.userId === user.userId);
    const wrongUser = `/v1/users/${user.userId}/object-storages/${other?.objectStorageId}/credentials/${other?.credentialId}`;
    expect((await api("GET", wrongUser)).status).toBe(404);
    const wrongStorage = `/v1/users/${user.userId}/object-storages/${sandbox.state.storages.find((s) => s.objectStorageId !== own?.objectStorageId)?.objectStorageId}/credentials/${own?.credentialId}`;
    expect((await api("GET", wrongStorage)).status).toBe(404);
    const notNumber = `/v1/users/${user.userId}/object-storages/${own?.objectStorageId}/credentials/abc`;
    expect((await api("PATCH", notNumber)).status).toBe(404);
  });
});

describe("sandbox: roles", () => {
  it("lists default and custom roles with permissions, filterable by name and type", async () => {
    const { api } = await setup();
    const all = listRoleResponseSchema.parse((await api("GET", "/v1/roles?size=100")).json);
    expect(new Set(all.data.map((r) => r.type))).toEqual(new Set(["default", "custom"]));
    expect(all.data.some((r) => (r.permissions ?? []).some((p) => (p.resources ?? []).length > 0))).toBe(
      true,
    );
    const custom = listRoleResponseSchema.parse((await api("GET", "/v1/roles?type=custom")).json);
    expect(custom.data.every((r) => r.type === "custom")).toBe(true);
    const billing = listRoleResponseSchema.parse((await api("GET", "/v1/roles?name=bill")).json);
    expect(billing.data.map((r) => r.name)).toEqual(["Billing"]);
    const tagged = listRoleResponseSchema.parse((await api("GET", "/v1/roles?tagName=Web")).json);
    expect(tagged.data.map((r) => r.name)).toEqual(["infrastructure"]);
  });
});
