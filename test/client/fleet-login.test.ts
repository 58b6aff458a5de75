import { describe, expect, it } from "vitest";
import type { SharedLogin } from "../../src/client/shared-login.js";
import { createLogger } from "../../src/log.js";
import { serverOutput } from "../helpers/logs.js";
import { clientFor, tokenRequests, useSandbox } from "../helpers/sandbox.js";

/** A shared login that fails at everything, not as a store being down but as a bug would. */
const broken = (): SharedLogin => {
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
    const { api, tokens } = clientFor(sandbox, { sharedLogin: broken(), logger });
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
    await expect(tokens.getToken()).resolves.toMatch(/^eyJ/);
  });
});
