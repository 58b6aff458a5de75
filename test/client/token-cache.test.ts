import { describe, expect, it } from "vitest";
import { ContaboAuthError, ContaboConfigError } from "../../src/client/errors.js";
import { apiRequests, clientFor, tokenRequests, useSandbox } from "../helpers/sandbox.js";
import { accessToken } from "../sandbox/raw-http.js";

describe("token cache against the sandbox (real HTTP)", () => {
  it("reuses one token until shortly before it expires, then uses the refresh_token grant", async () => {
    let clock = Date.now();
    const now = () => clock;
    const sandbox = await useSandbox({ accessTokenTtlSeconds: 60, refreshTokenTtlSeconds: 600, now });
    const { api } = clientFor(sandbox, { now });

    await api.retrieveUserClient();
    await api.retrieveUserList({});
    expect(tokenRequests(sandbox).map((r) => (r.body as { grant_type: string }).grant_type)).toEqual([
      "password",
    ]);

    clock += 55_000; // inside the renewal margin (10% of 60 s): renewed before the API could refuse it
    await api.retrieveUserClient();
    expect(tokenRequests(sandbox).map((r) => (r.body as { grant_type: string }).grant_type)).toEqual([
      "password",
      "refresh_token",
    ]);
    expect(apiRequests(sandbox).every((r) => r.status === 200)).toBe(true);
  });

  it("logs in again with the password when the refresh token has expired too", async () => {
    let clock = Date.now();
    const now = () => clock;
    const sandbox = await useSandbox({ accessTokenTtlSeconds: 60, refreshTokenTtlSeconds: 120, now });
    const { api } = clientFor(sandbox, { now });
    await api.retrieveUserClient();
    clock += 200_000;
    await api.retrieveUserClient();
    expect(tokenRequests(sandbox).map((r) => (r.body as { grant_type: string }).grant_type)).toEqual([
      "password",
      "password",
    ]);
  });

  it("after a 401 drops the token, re-authenticates once and retries once", async () => {
    const sandbox = await useSandbox();
    const { api } = clientFor(sandbox);
    await api.retrieveUserClient();
    sandbox.revokeTokens();
    const result = await api.retrieveUserClient();
    expect(result.status).toBe(200);
    expect(apiRequests(sandbox).map((r) => r.status)).toEqual([200, 401, 200]);
    // The session ended, so the refresh token is refused too and the client logs in again.
    expect(
      tokenRequests(sandbox).map((r) => [(r.body as { grant_type: string }).grant_type, r.status]),
    ).toEqual([
      ["password", 200],
      ["refresh_token", 400],
      ["password", 200],
    ]);
  });

  it("shares one token request among 20 concurrent calls", async () => {
    const sandbox = await useSandbox();
    const { api } = clientFor(sandbox);
    const results = await Promise.all(Array.from({ length: 20 }, () => api.retrieveUserList({ size: 1 })));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(tokenRequests(sandbox)).toHaveLength(1);
    expect(apiRequests(sandbox)).toHaveLength(20);
  });

  it("shares one renewal among 20 concurrent calls after the token expired", async () => {
    let clock = Date.now();
    const now = () => clock;
    const sandbox = await useSandbox({ accessTokenTtlSeconds: 60, now });
    const { api } = clientFor(sandbox, { now });
    await api.retrieveUserClient();
    clock += 61_000;
    await Promise.all(Array.from({ length: 20 }, () => api.retrieveUserClient()));
    expect(tokenRequests(sandbox)).toHaveLength(2);
  });

  it("keeps working after rotating its own client secret", async () => {
    let clock = Date.now();
    const now = () => clock;
    const sandbox = await useSandbox({ accessTokenTtlSeconds: 60, refreshTokenTtlSeconds: 60, now });
    const { api } = clientFor(sandbox, { now });
    const rotated = await api.generateClientSecret();
    expect(rotated.body.data[0]?.secret).toBe(sandbox.login().clientSecret);
    clock += 120_000; // both tokens expired: a new password grant needs the new secret
    await expect(api.retrieveUserClient()).resolves.toMatchObject({ status: 200 });
  });

  it("explains a wrong password and a wrong client secret", async () => {
    const sandbox = await useSandbox();
    const wrongPassword = clientFor(sandbox, { credentials: { ...sandbox.login(), password: "nope" } });
    const error = await wrongPassword.api.retrieveUserClient().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContaboAuthError);
    expect((error as ContaboAuthError).hint).toContain("CONTABO_API_PASSWORD");

    const wrongSecret = clientFor(sandbox, { credentials: { ...sandbox.login(), clientSecret: "nope" } });
    const secretError = await wrongSecret.api.retrieveUserClient().catch((e: unknown) => e);
    expect((secretError as ContaboAuthError).hint).toContain("CONTABO_CLIENT_SECRET");
    expect(apiRequests(sandbox)).toHaveLength(0);
  });

  it("without credentials, says which variables to set and sends nothing", async () => {
    const sandbox = await useSandbox();
    const { api, authMode } = clientFor(sandbox, { credentials: { clientId: "DE-54321" } });
    expect(authMode).toBe("missing-credentials");
    const error = await api.retrieveUserClient().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContaboConfigError);
    expect((error as Error).message).toContain(
      "CONTABO_CLIENT_SECRET, CONTABO_API_USER, CONTABO_API_PASSWORD",
    );
    expect((error as ContaboConfigError).hint).toContain("--sandbox");
    expect(sandbox.requestLog).toHaveLength(0);
  });

  it("uses CONTABO_ACCESS_TOKEN as given", async () => {
    const sandbox = await useSandbox();
    const token = await accessToken(sandbox);
    const { api, authMode } = clientFor(sandbox, { credentials: {}, accessToken: token });
    expect(authMode).toBe("static-token");
    await expect(api.retrieveUserList({})).resolves.toMatchObject({ status: 200 });
    expect(tokenRequests(sandbox)).toHaveLength(1);
  });
});
