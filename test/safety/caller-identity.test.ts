import { describe, expect, it } from "vitest";
import { callerIdentity } from "../../src/safety/caller-identity.js";

describe("the caller's identity", () => {
  it("names the subject, the client when it is another, or the local caller", () => {
    const auth = (clientId: string, subject?: string) => ({
      token: "t",
      clientId,
      scopes: [],
      extra: { subject },
    });
    expect(callerIdentity(undefined, "stdio")).toBe("stdio");
    expect(callerIdentity(auth("static-token", "static-token"), "x")).toBe("http:static-token");
    expect(callerIdentity(auth("ci-agent", "ci-agent"), "x")).toBe("http:ci-agent");
    expect(callerIdentity(auth("claude-web", "alice@example.com"), "x")).toBe(
      "http:alice%40example.com/claude-web",
    );
    // No name can pose as a subject and client pair.
    expect(callerIdentity(auth("bot", "alice"), "x")).toBe("http:alice/bot");
    expect(callerIdentity(auth("alice/bot", "alice/bot"), "x")).toBe("http:alice%2Fbot");
    expect(callerIdentity(auth("bare-client"), "x")).toBe("http:bare-client");
  });
});
