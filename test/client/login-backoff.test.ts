import { type AddressInfo, createServer } from "node:net";
import { Agent } from "undici";
import { describe, expect, it, onTestFinished } from "vitest";
import { ContaboAuthError, ContaboNetworkError } from "../../src/client/errors.js";
import { PasswordGrantTokenProvider } from "../../src/client/password-grant.js";
import { apiRequests, clientFor, tokenRequests, useSandbox } from "../helpers/sandbox.js";
import { type LoopbackHandler, replyJson, useLoopbackServer } from "./loopback-server.js";

/** A loopback port that was free a moment ago and has nothing listening now. */
async function freedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const START = Date.parse("2026-05-01T12:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();

const refuse =
  (error = "invalid_grant", status = 401): LoopbackHandler =>
  (_request, response) =>
    replyJson(response, status, { error, error_description: "Invalid user credentials" });

/** A password grant against a loopback token endpoint, on a clock the test moves. */
async function loginAgainst(handler: LoopbackHandler) {
  const server = await useLoopbackServer(handler);
  const agent = new Agent();
  onTestFinished(() => agent.close());
  const clock = { now: START };
  const tokens = new PasswordGrantTokenProvider({
    tokenUrl: new URL(`${server.origin}/token`),
    credentials: {
      clientId: "DE-1",
      clientSecret: "client secret",
      username: "me@example.com",
      password: "pw",
    },
    dispatcher: agent,
    now: () => clock.now,
  });
  const attempt = () => tokens.getToken().catch((error: unknown) => error);
  return { server, tokens, clock, attempt };
}

describe("login backoff: after the token endpoint refuses the credentials", () => {
  it("answers 30 logins from one refusal: one grant request, then errors that say when it retries", async () => {
    const { server, attempt } = await loginAgainst(refuse());
    const errors: unknown[] = [];
    for (let i = 0; i < 30; i++) errors.push(await attempt());

    expect(server.received).toHaveLength(1);
    for (const error of errors) expect(error).toBeInstanceOf(ContaboAuthError);
    const [first, later] = [errors[0] as ContaboAuthError, errors[29] as ContaboAuthError];
    expect(first.message).toBe(
      "Contabo refused the API user or password: invalid_grant (Invalid user credentials).",
    );
    expect(later.message).toBe(
      "Contabo refused the API user or password: invalid_grant (Invalid user credentials). " +
        "The login was refused at 2026-05-01T12:00:00.000Z and will be retried after 2026-05-01T12:00:05.000Z (in 5 s), not before: " +
        "repeated failed logins can lock the Contabo account.",
    );
    expect(later.hint).toBe(
      `${first.hint} Then restart this server, which logs in at once, or call again after 2026-05-01T12:00:05.000Z.`,
    );
    expect(later.oauthError).toBe("invalid_grant");
    expect(later.cause).toBe(first);
  });

  it("logs in again, once, when the wait is over", async () => {
    const { server, clock, attempt } = await loginAgainst(refuse());
    await attempt();
    clock.now = START + 4_999;
    expect(((await attempt()) as Error).message).toContain("(in 1 s)");
    expect(server.received).toHaveLength(1);

    clock.now = START + 5_000;
    expect(((await attempt()) as Error).message).not.toContain("will be retried");
    for (let i = 0; i < 10; i++) await attempt();
    expect(server.received).toHaveLength(2);
  });

  it("doubles the wait per refusal in a row, up to 5 minutes", async () => {
    const { server, clock, attempt } = await loginAgainst(refuse());
    await attempt();
    const waitsSeconds = [5, 10, 20, 40, 80, 160, 300, 300, 300];
    for (const [index, seconds] of waitsSeconds.entries()) {
      const refusedAt = clock.now;
      clock.now = refusedAt + seconds * 1000 - 1;
      const early = (await attempt()) as ContaboAuthError;
      expect(early.message).toContain(
        `refused at ${iso(refusedAt)} and will be retried after ${iso(refusedAt + seconds * 1000)}`,
      );
      expect(server.received).toHaveLength(index + 1);
      clock.now = refusedAt + seconds * 1000;
      await attempt();
      expect(server.received).toHaveLength(index + 2);
    }
  });

  it("starts again from 5 s after a successful login", async () => {
    let accept = false;
    const { server, tokens, clock, attempt } = await loginAgainst((request, response) => {
      if (accept) replyJson(response, 200, { access_token: "fresh", expires_in: 60 });
      else refuse()(request, response);
    });
    await attempt(); // refused: 5 s
    clock.now += 5_000;
    await attempt(); // refused again: 10 s
    clock.now += 10_000;
    accept = true;
    await expect(tokens.getToken()).resolves.toBe("fresh");

    accept = false;
    clock.now += 61_000; // the token expired and there is no refresh token: a password grant, refused
    await attempt();
    expect(server.received).toHaveLength(4);
    const refusedAt = clock.now;
    clock.now = refusedAt + 4_999;
    await attempt();
    expect(server.received).toHaveLength(4);
    clock.now = refusedAt + 5_000;
    await attempt();
    expect(server.received).toHaveLength(5);
  });

  it.each([
    ["invalid_client", 401],
    ["unauthorized_client", 400],
    ["invalid_grant", 400],
  ])("starts on %s (%i) too", async (error, status) => {
    const { server, attempt } = await loginAgainst(refuse(error, status));
    for (let i = 0; i < 5; i++) await attempt();
    expect(server.received).toHaveLength(1);
    expect(((await attempt()) as ContaboAuthError).oauthError).toBe(error);
  });

  it("does not start on a 503 from the token endpoint", async () => {
    const { server, attempt } = await loginAgainst((_request, response) =>
      replyJson(response, 503, { error: "temporarily_unavailable" }),
    );
    for (let i = 0; i < 3; i++) {
      const error = (await attempt()) as ContaboAuthError;
      expect(error.message).toBe("The token endpoint answered 503: temporarily_unavailable.");
    }
    expect(server.received).toHaveLength(3);
  });

  it("does not start when the token endpoint cannot be reached", async () => {
    const agent = new Agent();
    onTestFinished(() => agent.close());
    const tokens = new PasswordGrantTokenProvider({
      tokenUrl: new URL(`http://127.0.0.1:${await freedPort()}/token`),
      credentials: { clientId: "DE-1", clientSecret: "s", username: "me@example.com", password: "pw" },
      dispatcher: agent,
      now: () => START,
    });
    for (let i = 0; i < 3; i++) {
      const error = await tokens.getToken().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ContaboNetworkError);
      expect((error as Error).message).toContain("ECONNREFUSED");
    }
  });

  it("ends when this server rotated the client secret: the credentials changed", async () => {
    const { server, tokens, attempt } = await loginAgainst((request, response) => {
      if (new URLSearchParams(request.body).get("client_secret") === "rotated")
        replyJson(response, 200, { access_token: "with the new secret", expires_in: 60 });
      else refuse("invalid_client")(request, response);
    });
    await attempt();
    await attempt();
    expect(server.received).toHaveLength(1);
    tokens.useClientSecret("rotated");
    await expect(tokens.getToken()).resolves.toBe("with the new secret");
    expect(server.received).toHaveLength(2);
  });
});

describe("login backoff through the Users API (sandbox, real HTTP)", () => {
  it("30 API calls with a wrong password make 1 token request and no API request", async () => {
    const sandbox = await useSandbox();
    const { api } = clientFor(sandbox, {
      credentials: { ...sandbox.login(), password: "wrong" },
      now: () => START,
    });
    const errors: unknown[] = [];
    for (let i = 0; i < 30; i++) errors.push(await api.retrieveUserList({}).catch((e: unknown) => e));

    expect(tokenRequests(sandbox)).toHaveLength(1);
    expect(apiRequests(sandbox)).toHaveLength(0);
    for (const error of errors) {
      expect(error).toBeInstanceOf(ContaboAuthError);
      expect((error as Error).message).toMatch(/^Contabo refused the API user or password: invalid_grant/);
      expect((error as Error).message).not.toContain("wrong");
    }
    expect((errors[29] as Error).message).toContain("will be retried after 2026-05-01T12:00:05.000Z");
  });
});
