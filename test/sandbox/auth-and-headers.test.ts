import { describe, expect, it } from "vitest";
import { useSandbox } from "../helpers/sandbox.js";
import { accessToken, call, passwordGrantForm, tokenGrant } from "./raw-http.js";

describe("sandbox: token endpoint", () => {
  it("issues JWT-shaped tokens whose sub is the caller's userId, with Keycloak's fields", async () => {
    const sandbox = await useSandbox({ accessTokenTtlSeconds: 120, refreshTokenTtlSeconds: 900 });
    const response = await tokenGrant(sandbox, passwordGrantForm(sandbox));
    expect(response.status).toBe(200);
    const body = response.json as Record<string, unknown>;
    expect(body).toMatchObject({ expires_in: 120, refresh_expires_in: 900, token_type: "Bearer" });
    const claims = JSON.parse(
      Buffer.from(String(body.access_token).split(".")[1] ?? "", "base64url").toString(),
    );
    const owner = [...sandbox.state.users.values()].find((u) => u.owner);
    expect(claims).toMatchObject({ sub: owner?.userId, tenantId: "DE", customerId: "54321" });
  });

  it("answers errors the OAuth2 way", async () => {
    const sandbox = await useSandbox();
    const login = sandbox.login();
    const base = { client_id: login.clientId, client_secret: login.clientSecret };
    const wrongPassword = await tokenGrant(sandbox, {
      ...base,
      grant_type: "password",
      username: login.username,
      password: "x",
    });
    expect(wrongPassword.status).toBe(401);
    expect(wrongPassword.json).toEqual({
      error: "invalid_grant",
      error_description: "Invalid user credentials",
    });
    const wrongClient = await tokenGrant(sandbox, { ...base, client_secret: "x", grant_type: "password" });
    // Current Keycloak: a wrong secret is unauthorized_client (an unknown client is invalid_client).
    expect(wrongClient.status).toBe(401);
    expect(wrongClient.json).toEqual({
      error: "unauthorized_client",
      error_description: "Invalid client or Invalid client credentials",
    });
    const badRefresh = await tokenGrant(sandbox, {
      ...base,
      grant_type: "refresh_token",
      refresh_token: "abc",
    });
    expect(badRefresh.status).toBe(400);
    expect(badRefresh.json).toMatchObject({ error: "invalid_grant" });
    const unknownGrant = await tokenGrant(sandbox, { ...base, grant_type: "client_credentials" });
    expect(unknownGrant.json).toMatchObject({ error: "unsupported_grant_type" });
  });

  it("refreshes with a refresh token, and refuses an access token used as one", async () => {
    const sandbox = await useSandbox();
    const login = sandbox.login();
    const base = { client_id: login.clientId, client_secret: login.clientSecret };
    const first = (
      await tokenGrant(sandbox, {
        ...base,
        grant_type: "password",
        username: login.username,
        password: login.password,
      })
    ).json as { access_token: string; refresh_token: string };
    const refreshed = await tokenGrant(sandbox, {
      ...base,
      grant_type: "refresh_token",
      refresh_token: first.refresh_token,
    });
    expect(refreshed.status).toBe(200);
    const misuse = await tokenGrant(sandbox, {
      ...base,
      grant_type: "refresh_token",
      refresh_token: first.access_token,
    });
    expect(misuse.status).toBe(400);
  });

  it("expires tokens after their lifetime", async () => {
    let clock = Date.now();
    const sandbox = await useSandbox({ accessTokenTtlSeconds: 10, now: () => clock });
    const token = await accessToken(sandbox);
    expect((await call(sandbox, token, "GET", "/v1/users/client")).status).toBe(200);
    clock += 11_000;
    const expired = await call(sandbox, token, "GET", "/v1/users/client");
    expect(expired.status).toBe(401);
    expect(expired.json).toEqual({ statusCode: 401, message: "Unauthorized" });
  });
});

describe("sandbox: what every request must carry", () => {
  it("answers 401 without a valid bearer token", async () => {
    const sandbox = await useSandbox();
    for (const authorization of [undefined, "Bearer nope", "Basic abc", "Bearer a.b.c"]) {
      const response = await call(sandbox, "", "GET", "/v1/users", { headers: { authorization } });
      expect(response.status).toBe(401);
      expect(response.json).toEqual({ statusCode: 401, message: "Unauthorized" });
    }
  });

  it("requires x-request-id matching the spec's pattern, in either case", async () => {
    const sandbox = await useSandbox();
    const token = await accessToken(sandbox);
    const missing = await call(sandbox, token, "GET", "/v1/users", {
      headers: { "x-request-id": undefined },
    });
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({ statusCode: 400, message: "x-request-id header is required" });
    for (const bad of [
      "abc",
      "04e0f898-37b4-68bc-a794-1a57abe6aa31",
      "04e0f898-37b4-48bc-c794-1a57abe6aa31",
    ]) {
      const response = await call(sandbox, token, "GET", "/v1/users", { headers: { "x-request-id": bad } });
      expect(response.status).toBe(400);
    }
    for (const good of ["51A87ECD-754E-4104-9C54-D01AD0F83406", "04e0f898-37b4-08bc-0794-1a57abe6aa31"]) {
      const response = await call(sandbox, token, "GET", "/v1/users", { headers: { "x-request-id": good } });
      expect(response.status).toBe(200);
    }
  });

  it("logs every request with its request and trace ids, never the token", async () => {
    const sandbox = await useSandbox();
    const token = await accessToken(sandbox);
    await call(sandbox, token, "GET", "/v1/users?size=2", {
      headers: { "x-request-id": "04e0f898-37b4-48bc-a794-1a57abe6aa31", "x-trace-id": "trace-1" },
    });
    const entry = sandbox.requestLog.at(-1);
    expect(entry).toMatchObject({
      method: "GET",
      path: "/v1/users",
      query: "?size=2",
      requestId: "04e0f898-37b4-48bc-a794-1a57abe6aa31",
      traceId: "trace-1",
      authorized: true,
      status: 200,
    });
    expect(JSON.stringify(sandbox.requestLog)).not.toContain(token);
    expect(JSON.stringify(sandbox.requestLog)).not.toContain(sandbox.login().password);
  });

  it("answers 404 for unknown routes and 405 for wrong methods", async () => {
    const sandbox = await useSandbox();
    const token = await accessToken(sandbox);
    expect((await call(sandbox, token, "GET", "/v1/nothing")).status).toBe(404);
    const wrongMethod = await call(sandbox, token, "DELETE", "/v1/users");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe("GET, POST");
  });
});
