import { Agent } from "undici";
import { describe, expect, it, onTestFinished } from "vitest";
import { ContaboAuthError } from "../../src/client/errors.js";
import type { FleetLoginStore, SharedClientSecret } from "../../src/client/fleet-login-store.js";
import { PasswordGrantTokenProvider } from "../../src/client/password-grant.js";
import { createLogger } from "../../src/shared/log.js";
import { serverOutput } from "../helpers/logs.js";
import { clientFor, tokenRequests, useSandbox } from "../helpers/sandbox.js";
import { replyJson, useLoopbackServer } from "./loopback-server.js";

/** A shared login that fails at everything, not as a store being down but as a bug would. */
const broken = (): FleetLoginStore => {
  const fail = async (): Promise<never> => {
    throw new TypeError("the shared login is broken");
  };
  return {
    sharesClientSecret: true,
    readToken: fail,
    publishToken: fail,
    discardToken: fail,
    tryLock: fail,
    readClientSecret: fail,
    publishClientSecret: fail,
  };
};

describe("a shared login that fails", () => {
  it("any error of it means this process logs in by itself, with one warning", async () => {
    const sandbox = await useSandbox();
    const lines: string[] = [];
    const logger = createLogger("debug", (line) => {
      lines.push(line);
      serverOutput.push(line);
    });
    const { api } = clientFor(sandbox, { fleetLoginStore: broken(), logger });
    await api.retrieveUserClient();
    sandbox.revokeTokens();
    await api.retrieveUserClient();
    expect(tokenRequests(sandbox).filter((r) => r.status === 200)).toHaveLength(2);
    const warnings = lines.filter((line) => line.includes("shared login unavailable"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("the shared login is broken");
    // A rotation it cannot share is said, and the secret still used here.
    await api.generateClientSecret();
    // It keeps trying at each login, quietly: one warning.
    sandbox.revokeTokens();
    await api.retrieveUserClient();
    const shareWarnings = lines.filter(
      (line) => line.includes('"level":"warn"') && line.includes("could not share the rotated client secret"),
    );
    expect(shareWarnings).toHaveLength(1);
    // The third login, after the rotation, used the new secret here.
    expect(tokenRequests(sandbox).filter((r) => r.status === 200)).toHaveLength(3);
  });
});

/** A store holding one client secret and no token, whose lock is always free. */
const holding = (secret: SharedClientSecret): FleetLoginStore => ({
  sharesClientSecret: true,
  readToken: async () => undefined,
  publishToken: async () => {},
  discardToken: async () => {},
  tryLock: async () => ({ release: async () => {} }),
  readClientSecret: async () => secret,
  publishClientSecret: async () => {},
});

describe("a client secret in the shared store", () => {
  it("is tried once after a refusal; when refused too (stale), this process keeps its own", async () => {
    let accepted = "none yet";
    const server = await useLoopbackServer((request, response) => {
      if (new URLSearchParams(request.body).get("client_secret") === accepted)
        replyJson(response, 200, { access_token: "a token", expires_in: 60 });
      else replyJson(response, 401, { error: "invalid_client", error_description: "Invalid client" });
    });
    const agent = new Agent();
    onTestFinished(() => agent.close());
    let clock = Date.now();
    const tokens = new PasswordGrantTokenProvider({
      tokenUrl: new URL(`${server.origin}/token`),
      credentials: {
        clientId: "DE-1",
        clientSecret: "configured",
        username: "me@example.com",
        password: "pw",
      },
      dispatcher: agent,
      now: () => clock,
      // Rotated before this process started: not taken up before a login, only after a refusal.
      fleetLoginStore: holding({ secret: "stale in the store", rotatedAt: Date.now() - 60_000 }),
    });
    await expect(tokens.getToken()).rejects.toThrow(ContaboAuthError);
    accepted = "configured";
    clock += 10 * 60_000; // past the login backoff
    await expect(tokens.getToken()).resolves.toBe("a token");
    const sent = server.received.map((request) => new URLSearchParams(request.body).get("client_secret"));
    expect(sent).toEqual(["configured", "stale in the store", "configured"]);
  });
});
