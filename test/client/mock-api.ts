import { MockAgent } from "undici";
import { onTestFinished } from "vitest";
import { PasswordGrantTokenProvider } from "../../src/client/password-grant.js";
import { RequestPipeline } from "../../src/client/request-pipeline.js";
import { StaticTokenProvider, type TokenProvider } from "../../src/client/token-provider.js";
import { createHttpUsersApi } from "../../src/client/users-api.js";

export const API_ORIGIN = "https://api.contabo.com";
export const AUTH_ORIGIN = "https://auth.contabo.com";
export const TOKEN_PATH = "/auth/realms/contabo/protocol/openid-connect/token";
export const FAST_RETRY = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 400, maxRetryAfterMs: 3_000 };

/** undici's MockAgent with real network connections disabled: an unexpected request fails the test. */
export function mockAgent(): MockAgent {
  const agent = new MockAgent();
  agent.disableNetConnect();
  onTestFinished(async () => {
    await agent.close();
  });
  return agent;
}

export function passwordGrant(agent: MockAgent, now?: () => number): PasswordGrantTokenProvider {
  return new PasswordGrantTokenProvider({
    tokenUrl: new URL(`${AUTH_ORIGIN}${TOKEN_PATH}`),
    credentials: {
      clientId: "DE-1",
      clientSecret: "client secret",
      username: "me@example.com",
      password: "p@ss&word",
    },
    dispatcher: agent,
    now,
  });
}

export function pipelineWith(
  agent: MockAgent,
  options: { tokens?: TokenProvider; callBudgetMs?: number } = {},
): { api: ReturnType<typeof createHttpUsersApi>; tokens: TokenProvider; waits: number[] } {
  const tokens = options.tokens ?? new StaticTokenProvider("static-token");
  const waits: number[] = [];
  const pipeline = new RequestPipeline({
    baseUrl: new URL(API_ORIGIN),
    tokens,
    dispatcher: agent,
    traceId: "trace-of-this-session",
    retry: FAST_RETRY,
    callBudgetMs: options.callBudgetMs,
    random: () => 0.5,
    // Record the waits between attempts instead of sleeping through them.
    wait: async (ms) => {
      waits.push(ms);
    },
  });
  return { api: createHttpUsersApi(pipeline, tokens), tokens, waits };
}

export function headerOf(headers: unknown, name: string): string | undefined {
  if (headers === undefined || headers === null) return undefined;
  if (Array.isArray(headers)) {
    for (let i = 0; i < headers.length; i += 2) {
      if (String(headers[i]).toLowerCase() === name) return String(headers[i + 1]);
    }
    return undefined;
  }
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : record[key];
}

export const user = (overrides: Record<string, unknown> = {}) => ({
  tenantId: "DE",
  customerId: "54321",
  userId: "6cdf5968-f9fe-4192-97c2-f349e813c5e8",
  firstName: "John",
  lastName: "Doe",
  email: "john.doe@example.com",
  emailVerified: false,
  enabled: true,
  totp: false,
  locale: "de",
  roles: [],
  owner: false,
  ...overrides,
});

export const userEnvelope = (overrides: Record<string, unknown> = {}) => ({
  data: [user(overrides)],
  _links: { self: "/v1/users/6cdf5968-f9fe-4192-97c2-f349e813c5e8" },
});

export const JSON_HEADERS = { headers: { "content-type": "application/json" } };
