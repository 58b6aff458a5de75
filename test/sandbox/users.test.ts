import { describe, expect, it } from "vitest";
import { listUserResponseSchema } from "../../src/contabo-api-schemas/users.js";
import { SEEDED_USER_COUNT } from "../../src/sandbox/seed.js";
import { useSandbox } from "../helpers/sandbox.js";
import { accessToken, call } from "./raw-http.js";

async function setup() {
  const sandbox = await useSandbox();
  const token = await accessToken(sandbox);
  const api = (method: string, path: string, body?: unknown) => call(sandbox, token, method, path, { body });
  return { sandbox, api };
}

const NEW_USER = { email: "new.user@example.com", enabled: true, totp: false, locale: "en" };

describe("sandbox: users", () => {
  it("seeds the same tenant on every start: an owner and ~25 users with mixed attributes", async () => {
    const { sandbox } = await setup();
    const again = await useSandbox();
    const users = [...sandbox.state.users.values()];
    expect(users).toHaveLength(SEEDED_USER_COUNT);
    expect([...again.state.users.keys()]).toEqual([...sandbox.state.users.keys()]);
    expect(users.filter((u) => u.owner)).toHaveLength(1);
    for (const key of ["enabled", "totp", "emailVerified"] as const) {
      expect(new Set(users.map((u) => u[key]))).toEqual(new Set([true, false]));
    }
    expect(new Set(users.map((u) => u.locale)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(users.flatMap((u) => u.roleIds)).size).toBeGreaterThanOrEqual(4);
    expect(sandbox.state.storages.map((s) => s.region)).toEqual([
      "European Union",
      "United States (Central)",
    ]);
  });

  it("lists users in the spec's envelope with _pagination and _links", async () => {
    const { api } = await setup();
    const response = await api("GET", "/v1/users?orderBy=email:asc&size=10&page=2");
    expect(response.status).toBe(200);
    const body = listUserResponseSchema.parse(response.json);
    expect(body._pagination).toEqual({ page: 2, size: 10, totalElements: 25, totalPages: 3 });
    expect(body._links).toEqual({
      self: "/v1/users?page=2&size=10&orderBy=email%3Aasc",
      first: "/v1/users?page=1&size=10&orderBy=email%3Aasc",
      previous: "/v1/users?page=1&size=10&orderBy=email%3Aasc",
      next: "/v1/users?page=3&size=10&orderBy=email%3Aasc",
      last: "/v1/users?page=3&size=10&orderBy=email%3Aasc",
    });
    const emails = body.data.map((u) => u.email);
    expect(emails).toEqual([...emails].sort((a, b) => a.localeCompare(b)));
    expect(body.data[0]?.roles.every((r) => typeof r.roleId === "number" && typeof r.name === "string")).toBe(
      true,
    );
  });

  it("defaults to page 1 of 10, clamps size at 100, and answers an empty page past the end", async () => {
    const { api } = await setup();
    const first = listUserResponseSchema.parse((await api("GET", "/v1/users")).json);
    expect(first._pagination).toMatchObject({ page: 1, size: 10 });
    const big = listUserResponseSchema.parse((await api("GET", "/v1/users?size=5000")).json);
    expect(big._pagination.size).toBe(100);
    expect(big.data).toHaveLength(25);
    const past = listUserResponseSchema.parse((await api("GET", "/v1/users?page=9")).json);
    expect(past.data).toEqual([]);
  });

  it("filters by e-mail substring, enabled and owner", async () => {
    const { api, sandbox } = await setup();
    const owners = listUserResponseSchema.parse((await api("GET", "/v1/users?owner=true")).json);
    expect(owners.data.map((u) => u.email)).toEqual([sandbox.login().username]);
    const disabled = listUserResponseSchema.parse(
      (await api("GET", "/v1/users?enabled=false&size=100")).json,
    );
    expect(disabled.data.length).toBeGreaterThan(0);
    expect(disabled.data.every((u) => !u.enabled)).toBe(true);
    const matching = listUserResponseSchema.parse((await api("GET", "/v1/users?email=SCHMIDT")).json);
    expect(matching.data.map((u) => u.email)).toEqual(["anna.schmidt@example.com"]);
  });

  it.each([
    ["/v1/users?page=abc", "page must be an integer number"],
    ["/v1/users?page=0", "page must not be less than 1"],
    ["/v1/users?size=-1", "size must not be less than 1"],
    ["/v1/users?enabled=yes", "enabled must be a boolean value (true or false)"],
    ["/v1/users?orderBy=email", 'orderBy "email" must be field:asc or field:desc'],
    // A well-formed unknown field (password:asc) is ignored and said so (spec-examples.test.ts).
    ["/v1/users?orderBy=password:ascending", 'orderBy "password:ascending" must be field:asc or field:desc'],
    ["/v1/users?color=red", "query parameter color is not supported here"],
    ["/v1/users?page=1&page=2", "query parameter page must be given once"],
  ])("answers 400 to %s", async (path, message) => {
    const { api } = await setup();
    const response = await api("GET", path);
    expect(response.status).toBe(400);
    expect((response.json as { statusCode: number; message: string }).statusCode).toBe(400);
    expect((response.json as { message: string }).message).toContain(message);
  });

  it("creates a user: 201 with only the new ids, then retrievable with defaults", async () => {
    const { api } = await setup();
    const created = await api("POST", "/v1/users", { ...NEW_USER, firstName: "New", roles: [3, 101] });
    expect(created.status).toBe(201);
    const body = created.json as { data: Array<Record<string, string>>; _links: { self: string } };
    const userId = body.data[0]?.userId;
    expect(body).toEqual({
      data: [{ tenantId: "DE", customerId: "54321", userId }],
      _links: { self: `/v1/users/${userId}` },
    });
    const found = await api("GET", `/v1/users/${userId}`);
    expect(found.json).toMatchObject({
      data: [
        {
          userId,
          email: NEW_USER.email,
          firstName: "New",
          lastName: "User", // not given: named after the e-mail, as UserResponse needs a name
          emailVerified: false,
          owner: false,
          roles: [{ roleId: 3 }, { roleId: 101 }],
        },
      ],
      _links: { self: `/v1/users/${userId}` },
    });
  });

  it.each([
    [{ ...NEW_USER, email: undefined }, "email"],
    [{ ...NEW_USER, locale: "fr" }, "locale"],
    [{ ...NEW_USER, enabled: "yes" }, "enabled"],
    [{ ...NEW_USER, firstName: "" }, "firstName"],
    [{ ...NEW_USER, lastName: "x".repeat(256) }, "lastName"],
    [{ ...NEW_USER, email: "x".repeat(256) }, "email"],
    [{ ...NEW_USER, roles: [1.5] }, "roles[0]"],
    [{ ...NEW_USER, admin: true }, "property admin should not exist"],
    [{ ...NEW_USER, roles: [999] }, "Role not found by roleId 999"],
  ])("refuses a create body that breaks the spec: %j", async (body, field) => {
    const { api } = await setup();
    const response = await api("POST", "/v1/users", body);
    expect(response.status).toBe(400);
    expect((response.json as { message: string }).message).toContain(field);
  });

  it("refuses a missing or malformed JSON body", async () => {
    const { api, sandbox } = await setup();
    expect((await api("POST", "/v1/users")).status).toBe(400);
    const token = await accessToken(sandbox);
    const malformed = await call(sandbox, token, "POST", "/v1/users", {
      rawBody: "{nope",
      headers: { "content-type": "application/json" },
    });
    expect(malformed.status).toBe(400);
    const wrongType = await call(sandbox, token, "POST", "/v1/users", {
      rawBody: "email=x",
      headers: { "content-type": "text/plain" },
    });
    expect(wrongType.status).toBe(415);
  });

  it("answers 409 to a duplicate e-mail, whatever its case", async () => {
    const { api } = await setup();
    const response = await api("POST", "/v1/users", { ...NEW_USER, email: "ANNA.SCHMIDT@example.com" });
    expect(response.status).toBe(409);
    expect(response.json).toEqual({
      statusCode: 409,
      message: "User with email ANNA.SCHMIDT@example.com already exists",
    });
  });

  it("updates partially and answers only _links; a new e-mail must be verified again", async () => {
    const { api, sandbox } = await setup();
    const user = [...sandbox.state.users.values()].find((u) => !u.owner && u.emailVerified);
    const before = { ...user };
    const response = await api("PATCH", `/v1/users/${user?.userId}`, {
      email: "changed@example.com",
      roles: [],
    });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ _links: { self: `/v1/users/${user?.userId}` } });
    const after = sandbox.state.users.get(user?.userId ?? "");
    expect(after).toMatchObject({
      email: "changed@example.com",
      emailVerified: false,
      roleIds: [],
      firstName: before.firstName,
      locale: before.locale,
      enabled: before.enabled,
    });
  });

  it("checks a whole update before changing anything, and audits only real changes", async () => {
    const { api, sandbox } = await setup();
    const user = [...sandbox.state.users.values()].find((u) => !u.owner && u.emailVerified);
    const before = structuredClone(user);
    const audits = sandbox.state.audits.length;
    const refused = await api("PATCH", `/v1/users/${user?.userId}`, {
      email: "moved@example.com",
      firstName: "Changed",
      roles: [9999],
    });
    expect(refused.status).toBe(400);
    expect(sandbox.state.users.get(user?.userId ?? "")).toEqual(before);
    expect(sandbox.state.audits).toHaveLength(audits);

    const same = await api("PATCH", `/v1/users/${user?.userId}`, { firstName: before?.firstName });
    expect(same.status).toBe(200);
    expect(sandbox.state.audits).toHaveLength(audits);
  });

  it("refuses to update to another user's e-mail, and to disable or delete the owner", async () => {
    const { api, sandbox } = await setup();
    const [first, second] = [...sandbox.state.users.values()].filter((u) => !u.owner);
    expect((await api("PATCH", `/v1/users/${first?.userId}`, { email: second?.email })).status).toBe(409);
    const owner = [...sandbox.state.users.values()].find((u) => u.owner);
    expect((await api("PATCH", `/v1/users/${owner?.userId}`, { enabled: false })).status).toBe(403);
    expect((await api("DELETE", `/v1/users/${owner?.userId}`)).status).toBe(403);
  });

  it("deletes with 204 and no body, with the user's credentials; then 404", async () => {
    const { api, sandbox } = await setup();
    const user = [...sandbox.state.users.values()].find((u) => !u.owner);
    const deleted = await api("DELETE", `/v1/users/${user?.userId}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe("");
    expect([...sandbox.state.credentials.values()].some((c) => c.userId === user?.userId)).toBe(false);
    const again = await api("DELETE", `/v1/users/${user?.userId}`);
    expect(again.status).toBe(404);
    expect(again.json).toEqual({
      statusCode: 404,
      message: `Entry User not found by userId ${user?.userId}`,
    });
  });

  it("sends the e-mails of reset-password and resend-email-verification with 204", async () => {
    const { api, sandbox } = await setup();
    const user = [...sandbox.state.users.values()].find((u) => !u.emailVerified);
    const reset = await api(
      "POST",
      `/v1/users/${user?.userId}/reset-password?redirectUrl=https%3A%2F%2Fexample.com`,
    );
    expect(reset.status).toBe(204);
    const verify = await api("POST", `/v1/users/${user?.userId}/resend-email-verification`);
    expect(verify.status).toBe(204);
    expect(sandbox.state.outbox.map(({ kind, to, redirectUrl }) => ({ kind, to, redirectUrl }))).toEqual([
      { kind: "reset-password", to: user?.email, redirectUrl: "https://example.com" },
      { kind: "email-verification", to: user?.email, redirectUrl: undefined },
    ]);
    expect((await api("POST", "/v1/users/00000000-0000-4000-8000-000000000000/reset-password")).status).toBe(
      404,
    );
  });

  it("does not let an encoded path reach another route", async () => {
    const { api } = await setup();
    const response = await api("GET", "/v1/users/..%2Fclient");
    expect(response.status).toBe(404);
    expect((response.json as { message: string }).message).toContain("../client");
  });
});
