import { describe, expect, it } from "vitest";
import { ContaboAuthError, ContaboNetworkError } from "../../src/client/errors.js";
import { AUTH_ORIGIN, JSON_HEADERS, mockAgent, passwordGrant, TOKEN_PATH } from "./mock-api.js";

describe("password grant", () => {
  it("posts the five form fields, URL-encoded", async () => {
    const agent = mockAgent();
    let form: URLSearchParams | undefined;
    let contentType: string | undefined;
    agent
      .get(AUTH_ORIGIN)
      .intercept({ path: TOKEN_PATH, method: "POST" })
      .reply((options) => {
        form = new URLSearchParams(String(options.body));
        contentType = new Headers(options.headers as Record<string, string>).get("content-type") ?? undefined;
        return {
          statusCode: 200,
          data: { access_token: "abc", expires_in: 300 },
          responseOptions: JSON_HEADERS,
        };
      });
    await expect(passwordGrant(agent).getToken()).resolves.toBe("abc");
    expect(contentType).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(form ?? [])).toEqual({
      grant_type: "password",
      username: "me@example.com",
      password: "p@ss&word",
      client_id: "DE-1",
      client_secret: "client secret",
    });
  });

  it.each([
    ["invalid_grant", 401, /API user or password/, /CONTABO_API_USER.*CONTABO_API_PASSWORD/],
    [
      "invalid_client",
      401,
      /refused the API client: invalid_client/,
      /CONTABO_CLIENT_ID and CONTABO_CLIENT_SECRET/,
    ],
    ["unauthorized_client", 401, /refused the API client: unauthorized_client/, /CONTABO_CLIENT_SECRET/],
    ["temporarily_unavailable", 503, /answered 503: temporarily_unavailable/, /try again later/],
  ])("turns %s into a message a user can act on", async (error, status, message, hint) => {
    const agent = mockAgent();
    agent
      .get(AUTH_ORIGIN)
      .intercept({ path: TOKEN_PATH, method: "POST" })
      .reply(status, { error, error_description: "described" }, JSON_HEADERS);
    const failure = await passwordGrant(agent)
      .getToken()
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ContaboAuthError);
    expect((failure as ContaboAuthError).message).toMatch(message);
    expect((failure as ContaboAuthError).message).toContain("(described)");
    expect((failure as ContaboAuthError).hint).toMatch(hint);
    expect((failure as ContaboAuthError).message).not.toContain("p@ss&word");
  });

  it("refuses a 200 without access_token", async () => {
    const agent = mockAgent();
    agent
      .get(AUTH_ORIGIN)
      .intercept({ path: TOKEN_PATH, method: "POST" })
      .reply(200, { token: "x" }, JSON_HEADERS);
    await expect(passwordGrant(agent).getToken()).rejects.toThrow(/without a usable access_token/);
  });

  it("names the token endpoint when it cannot be reached", async () => {
    const agent = mockAgent();
    agent
      .get(AUTH_ORIGIN)
      .intercept({ path: TOKEN_PATH, method: "POST" })
      .replyWithError(
        Object.assign(new Error("getaddrinfo ENOTFOUND auth.contabo.com"), { code: "ENOTFOUND" }),
      );
    const failure = await passwordGrant(agent)
      .getToken()
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ContaboNetworkError);
    expect((failure as Error).message).toContain(`POST ${AUTH_ORIGIN}${TOKEN_PATH}`);
  });

  it("falls back to the password grant when the refresh token is refused", async () => {
    const agent = mockAgent();
    let clock = 0;
    const grants: string[] = [];
    agent
      .get(AUTH_ORIGIN)
      .intercept({ path: TOKEN_PATH, method: "POST" })
      .reply<object>((options) => {
        const grant = new URLSearchParams(String(options.body)).get("grant_type") ?? "";
        grants.push(grant);
        return grant === "refresh_token"
          ? { statusCode: 400, data: { error: "invalid_grant" }, responseOptions: JSON_HEADERS }
          : {
              statusCode: 200,
              data: {
                access_token: `a${grants.length}`,
                expires_in: 60,
                refresh_token: "r",
                refresh_expires_in: 600,
              },
              responseOptions: JSON_HEADERS,
            };
      })
      .times(3);
    const tokens = passwordGrant(agent, () => clock);
    await expect(tokens.getToken()).resolves.toBe("a1");
    clock = 61_000;
    await expect(tokens.getToken()).resolves.toBe("a3");
    expect(grants).toEqual(["password", "refresh_token", "password"]);
  });

  it("keeps its refresh token when a refresh answer brings no new one", async () => {
    const agent = mockAgent();
    let clock = 0;
    const refreshTokensSent: Array<string | null> = [];
    agent
      .get(AUTH_ORIGIN)
      .intercept({ path: TOKEN_PATH, method: "POST" })
      .reply<object>((options) => {
        const form = new URLSearchParams(String(options.body));
        if (form.get("grant_type") === "refresh_token") {
          refreshTokensSent.push(form.get("refresh_token"));
          return {
            statusCode: 200,
            data: { access_token: "refreshed", expires_in: 60 },
            responseOptions: JSON_HEADERS,
          };
        }
        return {
          statusCode: 200,
          data: { access_token: "first", expires_in: 60, refresh_token: "r1", refresh_expires_in: 600 },
          responseOptions: JSON_HEADERS,
        };
      })
      .times(3);
    const tokens = passwordGrant(agent, () => clock);
    await tokens.getToken();
    clock = 61_000;
    await expect(tokens.getToken()).resolves.toBe("refreshed");
    clock = 122_000;
    await expect(tokens.getToken()).resolves.toBe("refreshed");
    expect(refreshTokensSent).toEqual(["r1", "r1"]);
  });

  it("uses a refresh token with refresh_expires_in 0 (no expiry) until it is refused", async () => {
    const agent = mockAgent();
    let clock = 0;
    const grants: string[] = [];
    agent
      .get(AUTH_ORIGIN)
      .intercept({ path: TOKEN_PATH, method: "POST" })
      .reply((options) => {
        grants.push(new URLSearchParams(String(options.body)).get("grant_type") ?? "");
        return {
          statusCode: 200,
          data: { access_token: "a", expires_in: 60, refresh_token: "offline", refresh_expires_in: 0 },
          responseOptions: JSON_HEADERS,
        };
      })
      .times(2);
    const tokens = passwordGrant(agent, () => clock);
    await tokens.getToken();
    clock = 10 * 24 * 3600 * 1000;
    await tokens.getToken();
    expect(grants).toEqual(["password", "refresh_token"]);
  });
});
