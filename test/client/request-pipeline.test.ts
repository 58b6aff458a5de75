import type { MockAgent } from "undici";
import { describe, expect, it } from "vitest";
import { ContaboApiError, ContaboNetworkError, ContaboResponseError } from "../../src/client/errors.js";
import { REQUEST_ID_PATTERN } from "../../src/contabo-api-schemas/common.js";
import {
  API_ORIGIN,
  AUTH_ORIGIN,
  headerOf,
  JSON_HEADERS,
  mockAgent,
  passwordGrant,
  pipelineWith,
  TOKEN_PATH,
  userEnvelope,
} from "./mock-api.js";

/** The GET /v1/users/client route of the mocked API. */
const clientRoute = (agent: MockAgent) =>
  agent.get(API_ORIGIN).intercept({ path: "/v1/users/client", method: "GET" });

const USER_ID = "6cdf5968-f9fe-4192-97c2-f349e813c5e8";
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("request pipeline: headers and paths", () => {
  it("sends the bearer token, a fresh uuid v4 x-request-id per request and one x-trace-id", async () => {
    const agent = mockAgent();
    const seen: Array<Record<string, string | undefined>> = [];
    agent
      .get(API_ORIGIN)
      .intercept({ path: `/v1/users/${USER_ID}`, method: "GET" })
      .reply((options) => {
        seen.push({
          authorization: headerOf(options.headers, "authorization"),
          requestId: headerOf(options.headers, "x-request-id"),
          traceId: headerOf(options.headers, "x-trace-id"),
          accept: headerOf(options.headers, "accept"),
        });
        return { statusCode: 200, data: userEnvelope(), responseOptions: JSON_HEADERS };
      })
      .times(2);
    const { api } = pipelineWith(agent);
    const first = await api.retrieveUser(USER_ID);
    const second = await api.retrieveUser(USER_ID);

    expect(seen).toHaveLength(2);
    for (const headers of seen) {
      expect(headers.authorization).toBe("Bearer static-token");
      expect(headers.requestId).toMatch(UUID_V4);
      expect(headers.requestId).toMatch(REQUEST_ID_PATTERN);
      expect(headers.traceId).toBe("trace-of-this-session");
      expect(headers.accept).toBe("application/json");
    }
    expect(seen[0]?.requestId).not.toBe(seen[1]?.requestId);
    expect(first.requestId).toBe(seen[0]?.requestId);
    expect(second.requestId).toBe(seen[1]?.requestId);
    expect(first.body.data[0]?.email).toBe("john.doe@example.com");
  });

  it("encodes path segments and repeats orderBy in the query", async () => {
    const agent = mockAgent();
    const paths: string[] = [];
    const pool = agent.get(API_ORIGIN);
    pool
      .intercept({ path: (path) => path.startsWith("/v1/users"), method: "GET" })
      .reply((options) => {
        paths.push(options.path);
        return {
          statusCode: 404,
          data: { statusCode: 404, message: "not found" },
          responseOptions: JSON_HEADERS,
        };
      })
      .times(2);
    const { api } = pipelineWith(agent);
    await expect(api.retrieveUser("../client/secret")).rejects.toBeInstanceOf(ContaboApiError);
    await expect(
      api.retrieveUserList({ orderBy: ["email:asc", "lastName:desc"], email: "a&b", enabled: true }),
    ).rejects.toBeInstanceOf(ContaboApiError);
    expect(paths[0]).toBe("/v1/users/..%2Fclient%2Fsecret");
    expect(paths[1]).toBe("/v1/users?orderBy=email%3Aasc&orderBy=lastName%3Adesc&email=a%26b&enabled=true");
  });

  it("sends JSON bodies with a content type", async () => {
    const agent = mockAgent();
    let body: unknown;
    let contentType: string | undefined;
    agent
      .get(API_ORIGIN)
      .intercept({ path: "/v1/users", method: "POST" })
      .reply((options) => {
        body = JSON.parse(String(options.body));
        contentType = headerOf(options.headers, "content-type");
        return {
          statusCode: 201,
          data: {
            data: [{ tenantId: "DE", customerId: "54321", userId: USER_ID }],
            _links: { self: "/v1/users/x" },
          },
          responseOptions: JSON_HEADERS,
        };
      });
    const { api } = pipelineWith(agent);
    const created = await api.createUser({
      email: "a@example.com",
      enabled: true,
      totp: false,
      locale: "en",
    });
    expect(created.status).toBe(201);
    expect(created.body.data[0]?.userId).toBe(USER_ID);
    expect(body).toEqual({ email: "a@example.com", enabled: true, totp: false, locale: "en" });
    expect(contentType).toBe("application/json");
  });
});

describe("request pipeline: responses", () => {
  it("accepts 204 with no body", async () => {
    const agent = mockAgent();
    agent
      .get(API_ORIGIN)
      .intercept({ path: `/v1/users/${USER_ID}`, method: "DELETE" })
      .reply(204, "");
    const { api } = pipelineWith(agent);
    const result = await api.deleteUser(USER_ID);
    expect(result.status).toBe(204);
    expect(result.body).toBeUndefined();
  });

  it("names the field when a response breaks the spec's schema", async () => {
    const agent = mockAgent();
    const pool = agent.get(API_ORIGIN);
    pool
      .intercept({ path: `/v1/users/${USER_ID}`, method: "GET" })
      .reply(200, userEnvelope({ email: 42 }), JSON_HEADERS);
    pool
      .intercept({ path: "/v1/users", method: "GET" })
      .reply(200, { data: [], _links: { self: "/v1/users" } }, JSON_HEADERS);
    const { api } = pipelineWith(agent);

    const error = await api.retrieveUser(USER_ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContaboResponseError);
    expect((error as Error).message).toContain("field data[0].email");
    expect((error as ContaboResponseError).requestId).toMatch(REQUEST_ID_PATTERN);

    const listError = await api.retrieveUserList({}).catch((e: unknown) => e);
    expect(listError).toBeInstanceOf(ContaboResponseError);
    expect((listError as Error).message).toContain("field _pagination");
  });

  it("reports a body that is not JSON without crashing", async () => {
    const agent = mockAgent();
    clientRoute(agent).reply(200, "<html>oops</html>");
    const { api } = pipelineWith(agent);
    await expect(api.retrieveUserClient()).rejects.toThrow(/not valid JSON/);
  });

  it("turns {statusCode, message} into one typed error with the status, message and request id", async () => {
    const agent = mockAgent();
    let sentRequestId: string | undefined;
    agent
      .get(API_ORIGIN)
      .intercept({ path: "/v1/users", method: "POST" })
      .reply((options) => {
        sentRequestId = headerOf(options.headers, "x-request-id");
        return {
          statusCode: 409,
          data: { statusCode: 409, message: "User with email a@example.com already exists" },
          responseOptions: JSON_HEADERS,
        };
      });
    const { api } = pipelineWith(agent);
    const error = await api
      .createUser({ email: "a@example.com", enabled: true, totp: false, locale: "en" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContaboApiError);
    const apiError = error as ContaboApiError;
    expect(apiError.status).toBe(409);
    expect(apiError.apiMessage).toBe("User with email a@example.com already exists");
    expect(apiError.requestId).toBe(sentRequestId);
    expect(apiError.message).toBe(
      "Contabo API answered 409 Conflict to POST /v1/users: User with email a@example.com already exists",
    );
    expect(apiError.hint).toMatch(/already exists/);
  });

  it("joins a list of validation messages", async () => {
    const agent = mockAgent();
    agent
      .get(API_ORIGIN)
      .intercept({ path: `/v1/users/${USER_ID}`, method: "PATCH" })
      .reply(
        400,
        { statusCode: 400, message: ["email must be an email", "locale must be valid"] },
        JSON_HEADERS,
      );
    const { api } = pipelineWith(agent);
    await expect(api.updateUser(USER_ID, { email: "x" })).rejects.toThrow(
      "email must be an email; locale must be valid",
    );
  });
});

describe("request pipeline: retries", () => {
  it("retries a GET on 502, 503 and 504, each with a new request id", async () => {
    const agent = mockAgent();
    const ids: Array<string | undefined> = [];
    let calls = 0;
    agent
      .get(API_ORIGIN)
      .intercept({ path: `/v1/users/${USER_ID}`, method: "GET" })
      .reply((options) => {
        ids.push(headerOf(options.headers, "x-request-id"));
        const statusCode = [502, 503, 504, 200][calls++] ?? 500;
        return { statusCode, data: statusCode === 200 ? userEnvelope() : "", responseOptions: JSON_HEADERS };
      })
      .times(4);
    const { api, waits } = pipelineWith(agent);
    const result = await api.retrieveUser(USER_ID);
    expect(calls).toBe(4);
    // Capped exponential backoff (100 ms base, 400 ms cap) with jitter at its midpoint.
    expect(waits).toEqual([75, 150, 300]);
    expect(new Set(ids).size).toBe(4);
    expect(result.requestId).toBe(ids[3]);
  });

  it("gives up after maxAttempts and reports the last status", async () => {
    const agent = mockAgent();
    clientRoute(agent).reply(503, { statusCode: 503, message: "maintenance" }, JSON_HEADERS).times(4);
    const { api } = pipelineWith(agent);
    const error = await api.retrieveUserClient().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContaboApiError);
    expect((error as ContaboApiError).status).toBe(503);
    agent.assertNoPendingInterceptors();
  });

  it("does not retry a GET on 500 (not a transient status)", async () => {
    const agent = mockAgent();
    clientRoute(agent).reply(500, { statusCode: 500, message: "boom" }, JSON_HEADERS);
    const { api } = pipelineWith(agent);
    await expect(api.retrieveUserClient()).rejects.toMatchObject({ status: 500, apiMessage: "boom" });
  });

  it("honours Retry-After on 429", async () => {
    const agent = mockAgent();
    clientRoute(agent).reply(
      429,
      { statusCode: 429, message: "slow down" },
      { headers: { "retry-after": "2" } },
    );
    clientRoute(agent).reply(
      200,
      {
        data: [{ tenantId: "DE", customerId: "1", id: "x", clientId: "DE-1", secret: "s" }],
        _links: { self: "x" },
      },
      JSON_HEADERS,
    );
    const { api, waits } = pipelineWith(agent);
    await expect(api.retrieveUserClient()).resolves.toMatchObject({ status: 200 });
    expect(waits).toEqual([2000]);
  });

  it("does not wait past the call's time budget: the 429 comes back with how long to wait", async () => {
    const agent = mockAgent();
    clientRoute(agent).reply(
      429,
      { statusCode: 429, message: "slow down" },
      { headers: { "retry-after": "2" } },
    );
    const { api, waits } = pipelineWith(agent, { callBudgetMs: 1_500 });
    const error = (await api.retrieveUserClient().catch((e: unknown) => e)) as ContaboApiError;
    expect(error.status).toBe(429);
    expect(error.hint).toContain("wait 2 s");
    expect(waits).toEqual([]);
  });

  it("does not wait for a Retry-After longer than the policy allows, and says how long to wait", async () => {
    const agent = mockAgent();
    clientRoute(agent).reply(
      429,
      { statusCode: 429, message: "slow down" },
      { headers: { "retry-after": "120" } },
    );
    const { api } = pipelineWith(agent);
    const error = (await api.retrieveUserClient().catch((e: unknown) => e)) as ContaboApiError;
    expect(error.status).toBe(429);
    expect(error.retryAfterSeconds).toBe(120);
    expect(error.hint).toContain("wait 120 s");
  });

  it("retries a GET after a network error", async () => {
    const agent = mockAgent();
    const pool = agent.get(API_ORIGIN);
    pool
      .intercept({ path: `/v1/users/${USER_ID}`, method: "GET" })
      .replyWithError(Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }));
    pool.intercept({ path: `/v1/users/${USER_ID}`, method: "GET" }).reply(200, userEnvelope(), JSON_HEADERS);
    const { api } = pipelineWith(agent);
    await expect(api.retrieveUser(USER_ID)).resolves.toMatchObject({ status: 200 });
  });

  it("never sends a write twice once it may have reached the server", async () => {
    const agent = mockAgent();
    const pool = agent.get(API_ORIGIN);
    pool.intercept({ path: "/v1/users/client/secret", method: "PUT" }).reply(503, "");
    pool
      .intercept({ path: `/v1/users/${USER_ID}`, method: "DELETE" })
      .replyWithError(Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }));
    const { api } = pipelineWith(agent);
    await expect(api.generateClientSecret()).rejects.toMatchObject({ status: 503 });
    const error = await api.deleteUser(USER_ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContaboNetworkError);
    expect((error as ContaboNetworkError).message).toContain("other side closed");
    // Any second attempt would have found no interceptor and failed differently.
    agent.assertNoPendingInterceptors();
  });

  it("sends a write again when the connection was refused (nothing reached the server)", async () => {
    const agent = mockAgent();
    const pool = agent.get(API_ORIGIN);
    pool
      .intercept({ path: `/v1/users/${USER_ID}/reset-password`, method: "POST" })
      .replyWithError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }));
    pool.intercept({ path: `/v1/users/${USER_ID}/reset-password`, method: "POST" }).reply(204, "");
    const { api } = pipelineWith(agent);
    await expect(api.resetPassword(USER_ID, {})).resolves.toMatchObject({ status: 204 });
  });
});

describe("request pipeline: authentication and cancellation", () => {
  it("after a 401 fetches a new token and sends the request once more, for any method", async () => {
    const agent = mockAgent();
    let tokenCalls = 0;
    agent
      .get(AUTH_ORIGIN)
      .intercept({ path: TOKEN_PATH, method: "POST" })
      .reply(() => ({
        statusCode: 200,
        data: { access_token: `token-${++tokenCalls}`, expires_in: 300 },
        responseOptions: JSON_HEADERS,
      }))
      .times(2);
    const seen: Array<string | undefined> = [];
    agent
      .get(API_ORIGIN)
      .intercept({ path: `/v1/users/${USER_ID}`, method: "PATCH" })
      .reply<object>((options) => {
        const authorization = headerOf(options.headers, "authorization");
        seen.push(authorization);
        return authorization === "Bearer token-1"
          ? {
              statusCode: 401,
              data: { statusCode: 401, message: "Unauthorized" },
              responseOptions: JSON_HEADERS,
            }
          : { statusCode: 200, data: { _links: { self: "x" } }, responseOptions: JSON_HEADERS };
      })
      .times(2);
    const { api } = pipelineWith(agent, { tokens: passwordGrant(agent) });
    await expect(api.updateUser(USER_ID, { enabled: false })).resolves.toMatchObject({ status: 200 });
    expect(seen).toEqual(["Bearer token-1", "Bearer token-2"]);
    expect(tokenCalls).toBe(2);
  });

  it("re-authenticates only once: a second 401 is an error", async () => {
    const agent = mockAgent();
    agent
      .get(AUTH_ORIGIN)
      .intercept({ path: TOKEN_PATH, method: "POST" })
      .reply(200, { access_token: "token", expires_in: 300 }, JSON_HEADERS)
      .times(2);
    clientRoute(agent).reply(401, { statusCode: 401, message: "Unauthorized" }, JSON_HEADERS).times(2);
    const { api } = pipelineWith(agent, { tokens: passwordGrant(agent) });
    const error = (await api.retrieveUserClient().catch((e: unknown) => e)) as ContaboApiError;
    expect(error.status).toBe(401);
    expect(error.hint).toContain("CONTABO_CLIENT_ID");
    agent.assertNoPendingInterceptors();
  });

  it("does not repeat a 401 with a static token, which cannot be renewed", async () => {
    const agent = mockAgent();
    clientRoute(agent).reply(401, { statusCode: 401, message: "Unauthorized" }, JSON_HEADERS);
    const { api } = pipelineWith(agent);
    await expect(api.retrieveUserClient()).rejects.toMatchObject({ status: 401 });
  });

  it("aborts the HTTP request when the caller's signal aborts", async () => {
    const agent = mockAgent();
    clientRoute(agent)
      .reply(200, { data: [], _links: { self: "x" } }, JSON_HEADERS)
      .delay(10_000);
    const { api } = pipelineWith(agent);
    const controller = new AbortController();
    const pending = api.retrieveUserClient({ signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const error = await pending.catch((e: unknown) => e);
    expect((error as Error).name).toBe("AbortError");
  });

  it("gives up when the call's time budget runs out, with a clear error", async () => {
    const agent = mockAgent();
    clientRoute(agent)
      .reply(200, { data: [], _links: { self: "x" } }, JSON_HEADERS)
      .delay(10_000);
    const { api } = pipelineWith(agent, { callBudgetMs: 100 });
    const error = await api.retrieveUserClient().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContaboNetworkError);
    expect((error as Error).message).toBe(
      "No answer to GET /v1/users/client: gave up after 0.1 s (the call's time budget)",
    );
  });
});
