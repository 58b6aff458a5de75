import { describe, expect, it } from "vitest";
import { ContaboAuthError } from "../../src/client/errors.js";
import { refusesClient, refusesCredentials, tokenEndpointError } from "../../src/client/token-errors.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { clientFor, useSandbox } from "../helpers/sandbox.js";

describe("token endpoint errors: old and current Keycloak alike", () => {
  it.each([
    // current Keycloak: wrong or missing secret; unknown or disabled client
    [401, "unauthorized_client", "Invalid client or Invalid client credentials"],
    [401, "invalid_client", "Invalid client or Invalid client credentials"],
    // older Keycloak
    [400, "unauthorized_client", "Invalid client secret"],
    [400, "invalid_client", "Client not found"],
    [400, "invalid_client", "Missing client_id parameter"],
  ])("%i %s (%s) is a refusal of the API client", (status, error, description) => {
    const failure = tokenEndpointError(status, { error, error_description: description }, "password");
    expect(failure.message).toBe(`Contabo refused the API client: ${error} (${description}).`);
    expect(failure.hint).toMatch(/CONTABO_CLIENT_ID and CONTABO_CLIENT_SECRET/);
    expect(refusesClient(failure)).toBe(true);
    expect(refusesCredentials(failure)).toBe(true);
  });

  it("says a disabled account is disabled, not that the password is wrong", () => {
    const disabled = tokenEndpointError(
      400,
      { error: "invalid_grant", error_description: "Account disabled" },
      "password",
    );
    expect(disabled.message).toContain("invalid_grant (Account disabled)");
    expect(disabled.hint).toMatch(/is disabled/);
    expect(refusesCredentials(disabled)).toBe(true);
    expect(refusesClient(disabled)).toBe(false);
    const wrong = tokenEndpointError(
      401,
      { error: "invalid_grant", error_description: "Invalid user credentials" },
      "password",
    );
    expect(wrong.hint).toMatch(/CONTABO_API_USER.*CONTABO_API_PASSWORD/);
  });

  it("an invalid_request is neither a client nor a credential refusal", () => {
    const failure = tokenEndpointError(
      401,
      { error: "invalid_request", error_description: "Missing parameter: username" },
      "password",
    );
    expect(failure.message).toBe(
      "The token endpoint answered 401: invalid_request (Missing parameter: username).",
    );
    expect(refusesCredentials(failure)).toBe(false);
  });
});

describe("token endpoint errors from the sandbox, through the real client", () => {
  async function firstError(overrides: Partial<ReturnType<Sandbox["login"]>>) {
    const sandbox = await useSandbox();
    const { api } = clientFor(sandbox, { credentials: { ...sandbox.login(), ...overrides } });
    const error = await api.retrieveUserClient().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContaboAuthError);
    return error as ContaboAuthError;
  }

  it("a wrong client secret: unauthorized_client", async () => {
    const error = await firstError({ clientSecret: "wrong" });
    expect(error.message).toBe(
      "Contabo refused the API client: unauthorized_client (Invalid client or Invalid client credentials).",
    );
    expect(refusesClient(error)).toBe(true);
  });

  it("an unknown client id: invalid_client", async () => {
    const error = await firstError({ clientId: "nobody" });
    expect(error.message).toBe(
      "Contabo refused the API client: invalid_client (Invalid client or Invalid client credentials).",
    );
    expect(refusesClient(error)).toBe(true);
  });

  it("a wrong password, and a username in another case", async () => {
    const error = await firstError({ password: "wrong" });
    expect(error.message).toBe(
      "Contabo refused the API user or password: invalid_grant (Invalid user credentials).",
    );
    expect(refusesClient(error)).toBe(false);
    const sandbox = await useSandbox();
    const login = sandbox.login();
    const { api } = clientFor(sandbox, { credentials: { ...login, username: login.username.toUpperCase() } });
    await expect(api.retrieveUserClient()).resolves.toBeDefined();
  });
});
