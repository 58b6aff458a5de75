import { describe, expect, it } from "vitest";
import { listUserAuditResponseSchema } from "../../src/contabo-api-schemas/audits.js";
import { listCredentialResponseSchema } from "../../src/contabo-api-schemas/object-storage-credentials.js";
import { listRoleResponseSchema, listUserResponseSchema } from "../../src/contabo-api-schemas/users.js";
import type { SandboxOptions } from "../../src/sandbox/index.js";
import { useSandbox } from "../helpers/sandbox.js";
import { accessToken, call } from "./raw-http.js";

async function setup(options: SandboxOptions = {}) {
  const sandbox = await useSandbox(options);
  const token = await accessToken(sandbox);
  const get = async (path: string) => call(sandbox, token, "GET", path, {});
  return { sandbox, get };
}

describe("sandbox: orderBy in the spec's form (field:ASC|DESC)", () => {
  it("takes the spec's own example name:asc on roles", async () => {
    const { get } = await setup();
    const roles = listRoleResponseSchema.parse((await get("/v1/roles?orderBy=name:asc&size=100")).json);
    const names = roles.data.map((role) => role.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
  });

  it("sorts by any top-level field, upper or lower case direction, several keys in order", async () => {
    const { sandbox, get } = await setup();
    const users = listUserResponseSchema.parse(
      (await get("/v1/users?orderBy=owner:DESC&orderBy=locale:asc&orderBy=email:asc&size=100")).json,
    );
    expect(users.data[0]?.owner).toBe(true);
    const rest = users.data.slice(1).map((user) => [user.locale, user.email] as const);
    expect(rest).toEqual(
      [...rest].sort(([localeA, emailA], [localeB, emailB]) =>
        localeA === localeB ? emailA.localeCompare(emailB) : localeA.localeCompare(localeB),
      ),
    );
    expect(new Set(rest.map(([locale]) => locale)).size).toBeGreaterThan(1);

    const user = [...sandbox.state.users.values()][1];
    const credentials = listCredentialResponseSchema.parse(
      (await get(`/v1/users/${user?.userId}/object-storages/credentials?orderBy=region:desc`)).json,
    );
    expect(credentials.data.map((credential) => credential.region)).toEqual([
      "United States (Central)",
      "European Union",
    ]);
  });

  it("sorts audits by a field the old list lacked (username), and booleans by value", async () => {
    const { get } = await setup({ oddRecords: true });
    const audits = listUserAuditResponseSchema.parse(
      (await get("/v1/users/audits?orderBy=username:asc")).json,
    );
    expect(audits.data).toHaveLength(1);
    const byTotp = listUserResponseSchema.parse((await get("/v1/users?orderBy=totp:asc&size=100")).json);
    const totp = byTotp.data.map((user) => user.totp);
    expect(totp).toEqual([...totp].sort((a, b) => Number(a) - Number(b)));
  });

  it("puts records without a name first when sorting by name", async () => {
    const { get } = await setup({ oddRecords: true });
    const users = listUserResponseSchema.parse((await get("/v1/users?orderBy=firstName:asc&size=100")).json);
    expect(users.data[0]?.firstName).toBeNull();
  });

  it.each([
    // A well-formed field the records lack (the spec's own name:asc) is read, not refused:
    // see spec-examples.test.ts. Malformed entries are refused on every list.
    ["/v1/users?orderBy=name:up", "userId, firstName, lastName, email"],
    ["/v1/users/audits?orderBy=:asc", "id, action, timestamp"],
    ["/v1/roles?orderBy=name", "roleId, tenantId, customerId, name"],
    ["/v1/roles?orderBy=name:up", "roleId, tenantId, customerId, name"],
  ])("answers 400 to %s, naming the fields the records have", async (path, fields) => {
    const { get } = await setup();
    const response = await get(path);
    expect(response.status).toBe(400);
    expect((response.json as { message: string }).message).toContain("must be field:asc or field:desc");
    expect((response.json as { message: string }).message).toContain(fields);
  });
});
