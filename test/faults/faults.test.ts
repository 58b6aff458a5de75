import { describe, expect, it } from "vitest";
import {
  ContaboApiError,
  ContaboAuthError,
  ContaboNetworkError,
  ContaboResponseError,
} from "../../src/client/errors.js";
import type { UsersApi } from "../../src/client/users-api.js";
import type { Fault } from "../../src/sandbox/faults.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { seedState } from "../../src/sandbox/seed.js";
import { callToolError, connectClient } from "../helpers/mcp.js";
import { apiRequests, clientFor, tokenRequests, useSandbox } from "../helpers/sandbox.js";

const FAST_RETRY = { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 40, maxRetryAfterMs: 3_000 };

async function setup(callBudgetMs?: number) {
  const sandbox = await useSandbox();
  const { api } = clientFor(sandbox, { retry: FAST_RETRY, callBudgetMs });
  const users = [...sandbox.state.users.values()].filter((u) => !u.owner);
  const user = users[0];
  if (!user) throw new Error("no user");
  return { sandbox, api, user };
}

const statuses = (sandbox: Sandbox, method: string) =>
  apiRequests(sandbox)
    .filter((r) => r.method === method)
    .map((r) => r.status);

describe("faults on reads: retried within bounds, then success or a clear error", () => {
  it("retries through 429, 502, 503 and 504, then succeeds", async () => {
    const { sandbox, api, user } = await setup();
    for (const status of [429, 502, 503, 504] as const) {
      sandbox.faults.add({
        route: "GET /v1/users/:userId",
        fault: { kind: "status", status, retryAfterSeconds: 0 },
        times: 1,
      });
    }
    const result = await api.retrieveUser(user.userId);
    expect(result.body.data[0]?.email).toBe(user.email);
    expect(statuses(sandbox, "GET")).toEqual([429, 502, 503, 504, 200]);
  });

  it("honours Retry-After on 429", async () => {
    const { sandbox, api } = await setup();
    sandbox.faults.add({
      route: "GET /v1/users",
      fault: { kind: "status", status: 429, retryAfterSeconds: 1 },
      times: 1,
    });
    const started = Date.now();
    await api.retrieveUserList({});
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("does not retry a 500, and says so with the request id", async () => {
    const { sandbox, api } = await setup();
    sandbox.faults.add({ route: "GET /v1/users/client", fault: { kind: "status", status: 500 } });
    const error = (await api.retrieveUserClient().catch((e: unknown) => e)) as ContaboApiError;
    expect(error).toBeInstanceOf(ContaboApiError);
    expect(error.status).toBe(500);
    expect(error.requestId).toBe(apiRequests(sandbox).at(-1)?.requestId);
    expect(statuses(sandbox, "GET")).toEqual([500]);
  });

  it.each<[string, Fault]>([
    ["a connection reset", { kind: "reset" }],
    ["a truncated body", { kind: "truncated-body" }],
  ])("retries after %s", async (_name, fault) => {
    const { sandbox, api } = await setup();
    sandbox.faults.add({ route: "GET /v1/users", fault, times: 2 });
    const result = await api.retrieveUserList({ size: 3 });
    expect(result.body.data).toHaveLength(3);
    expect(apiRequests(sandbox)).toHaveLength(3);
  });

  it("reports malformed JSON as an unexpected response, without retrying", async () => {
    const { sandbox, api } = await setup();
    sandbox.faults.add({ route: "GET /v1/users", fault: { kind: "malformed-json" } });
    const error = await api.retrieveUserList({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContaboResponseError);
    expect((error as Error).message).toMatch(
      /^Unexpected response to GET \/v1\/users: the body is not valid JSON/,
    );
    expect(apiRequests(sandbox)).toHaveLength(1);
  });

  it("adds latency without failing, and gives up at the call's time budget", async () => {
    const { sandbox, api } = await setup(500);
    sandbox.faults.add({ route: "GET /v1/users/client", fault: { kind: "latency", ms: 100 }, times: 1 });
    await expect(api.retrieveUserClient()).resolves.toMatchObject({ status: 200 });
    sandbox.faults.add({ route: "GET /v1/users/client", fault: { kind: "latency", ms: 5_000 } });
    const error = await api.retrieveUserClient().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContaboNetworkError);
    expect((error as Error).message).toBe(
      "No answer to GET /v1/users/client: gave up after 0.5 s (the call's time budget)",
    );
  });

  it("keeps the total time of a failing call under its budget", async () => {
    const { sandbox, api } = await setup(2_500);
    sandbox.faults.add({
      route: "GET /v1/users",
      fault: { kind: "status", status: 503, retryAfterSeconds: 1 },
    });
    const started = Date.now();
    const error = (await api.retrieveUserList({}).catch((e: unknown) => e)) as ContaboApiError;
    const elapsed = Date.now() - started;
    expect(error.status).toBe(503);
    expect(elapsed).toBeLessThan(2_500);
    expect(apiRequests(sandbox).length).toBeGreaterThanOrEqual(2);
  });
});

describe("faults around authentication", () => {
  it("an expired token: logs in again and repeats the call once", async () => {
    const { sandbox, api } = await setup();
    await api.retrieveUserClient();
    sandbox.faults.add({ route: "PATCH /v1/users/:userId", fault: { kind: "expired-token" }, times: 1 });
    const user = [...sandbox.state.users.values()].find((u) => !u.owner);
    await expect(api.updateUser(user?.userId ?? "", { firstName: "Again" })).resolves.toMatchObject({
      status: 200,
    });
    expect(statuses(sandbox, "PATCH")).toEqual([401, 200]);
    expect(tokenRequests(sandbox).length).toBe(2);
    expect(user?.firstName).toBe("Again");
  });

  it("a failing token endpoint: a clear error, nothing sent to the API", async () => {
    const { sandbox, api } = await setup();
    sandbox.faults.add({ route: "POST token", fault: { kind: "status", status: 503 } });
    const error = await api.retrieveUserList({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContaboAuthError);
    expect((error as ContaboAuthError).message).toBe("The token endpoint answered 503.");
    expect((error as ContaboAuthError).hint).toContain("try again later");
    expect(apiRequests(sandbox)).toHaveLength(0);
  });
});

/** Every write, with what must have happened exactly once. */
const WRITES: Array<{
  name: string;
  route: string;
  method: string;
  run: (api: UsersApi, sandbox: Sandbox) => Promise<unknown>;
  happenedOnce: (sandbox: Sandbox) => void;
}> = [
  {
    name: "createUser",
    route: "POST /v1/users",
    method: "POST",
    run: (api) => api.createUser({ email: "once@example.com", enabled: true, totp: false, locale: "en" }),
    happenedOnce: (sandbox) =>
      expect([...sandbox.state.users.values()].filter((u) => u.email === "once@example.com")).toHaveLength(1),
  },
  {
    name: "generateClientSecret",
    route: "PUT /v1/users/client/secret",
    method: "PUT",
    run: (api) => api.generateClientSecret(),
    happenedOnce: (sandbox) => expect(sandbox.state.apiClient.secret).not.toBe(seedState().apiClient.secret),
  },
  {
    name: "resetPassword",
    route: "POST /v1/users/:userId/reset-password",
    method: "POST",
    run: (api, sandbox) => api.resetPassword(firstUser(sandbox), {}),
    happenedOnce: (sandbox) => expect(sandbox.state.outbox).toHaveLength(1),
  },
  {
    name: "resendEmailVerification",
    route: "POST /v1/users/:userId/resend-email-verification",
    method: "POST",
    run: (api, sandbox) => api.resendEmailVerification(firstUser(sandbox), {}),
    happenedOnce: (sandbox) => expect(sandbox.state.outbox).toHaveLength(1),
  },
  {
    name: "deleteUser",
    route: "DELETE /v1/users/:userId",
    method: "DELETE",
    run: (api, sandbox) => api.deleteUser(firstUser(sandbox)),
    happenedOnce: (sandbox) => expect(sandbox.state.users.size).toBe(24),
  },
  {
    name: "updateUser",
    route: "PATCH /v1/users/:userId",
    method: "PATCH",
    run: (api, sandbox) => api.updateUser(firstUser(sandbox), { firstName: "Changed" }),
    happenedOnce: (sandbox) => expect(sandbox.state.users.get(firstUser(sandbox))?.firstName).toBe("Changed"),
  },
  {
    name: "regenerateObjectStorageCredentials",
    route: "PATCH /v1/users/:userId/object-storages/:objectStorageId/credentials/:credentialId",
    method: "PATCH",
    run: (api, sandbox) => {
      const credential = [...sandbox.state.credentials.values()][0];
      return api.regenerateObjectStorageCredentials(
        credential?.userId ?? "",
        credential?.objectStorageId ?? "",
        credential?.credentialId ?? 0,
      );
    },
    happenedOnce: (sandbox) => {
      const credential = [...sandbox.state.credentials.values()][0];
      const seeded = seedState().credentials.get(credential?.credentialId ?? 0);
      // Regeneration issues a new secret key; the access key stays (the spec: "Regenerates secret key").
      expect(credential?.secretKey).not.toBe(seeded?.secretKey);
      expect(credential?.accessKey).toBe(seeded?.accessKey);
    },
  },
];

function firstUser(sandbox: Sandbox): string {
  return [...sandbox.state.users.values()].find((u) => !u.owner)?.userId ?? "";
}

describe("faults on writes: never sent twice once they may have reached the server", () => {
  it.each(
    WRITES.flatMap((write) =>
      (["reset", "truncated-body", "status"] as const).map((kind) => [write.name, kind, write] as const),
    ),
  )(
    "%s with %s after the operation ran: one request, one effect, a clear error",
    async (_name, kind, write) => {
      const { sandbox, api } = await setup();
      const fault: Fault = kind === "status" ? { kind, status: 502 } : { kind };
      sandbox.faults.add({ route: write.route, fault, phase: "after", times: 1 });
      const error = (await write.run(api, sandbox).catch((e: unknown) => e)) as Error & {
        requestId?: string;
      };
      expect(error).toBeInstanceOf(Error);
      expect(error.requestId).toBe(apiRequests(sandbox).at(-1)?.requestId);
      expect(apiRequests(sandbox).filter((r) => r.method === write.method)).toHaveLength(1);
      write.happenedOnce(sandbox);
    },
  );

  it("a tool reports such a failure with its cause and request id, and what to do", async () => {
    const sandbox = await useSandbox();
    const client = await connectClient(clientFor(sandbox, { retry: FAST_RETRY }).api, {
      safety: { confirmMode: "off" },
    });
    sandbox.faults.add({ route: "POST /v1/users", fault: { kind: "reset" }, phase: "after", times: 1 });
    const text = await callToolError(client, "create_user", {
      email: "once@example.com",
      enabled: true,
      totp: false,
      locale: "en",
    });
    expect(text).toMatch(/^create_user failed\. No answer to POST \/v1\/users: other side closed/);
    expect(text).toContain(`Request id: ${apiRequests(sandbox).at(-1)?.requestId}`);
    expect(text).toContain("What to do:");
    expect([...sandbox.state.users.values()].filter((u) => u.email === "once@example.com")).toHaveLength(1);
  });
});
