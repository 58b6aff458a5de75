import { describe, expect, it } from "vitest";
import { ConfirmationTokens } from "../../src/safety/confirmation-token.js";
import { canonicalJson, fingerprint } from "../../src/safety/fingerprint.js";

describe("confirmation tokens", () => {
  const args = { userId: "u1", roles: [1, 2] };

  it("verify for the same tool and arguments (in any key order) until they expire", () => {
    let now = 1_000;
    const tokens = new ConfirmationTokens({ key: "k", ttlMs: 60_000, now: () => now });
    const { token, expiresAt } = tokens.issue("update_user", args, "state-1");
    expect(expiresAt).toBe(new Date(61_000).toISOString());
    expect(tokens.check(token, "update_user", { roles: [1, 2], userId: "u1" })).toEqual({
      ok: true,
      targetFingerprint: "state-1",
    });
    now = 61_000;
    expect(tokens.check(token, "update_user", args)).toMatchObject({ ok: false, reason: "expired" });
  });

  it("refuse other tools, other arguments, altered or foreign tokens", () => {
    const tokens = new ConfirmationTokens({ key: "k" });
    const { token } = tokens.issue("delete_user", { userId: "u1" }, "s");
    expect(tokens.check(token, "update_user", { userId: "u1" })).toMatchObject({
      ok: false,
      reason: "other-tool",
    });
    expect(tokens.check(token, "delete_user", { userId: "u2" })).toMatchObject({
      ok: false,
      reason: "other-arguments",
    });
    const [payload, signature] = token.split(".");
    expect(tokens.check(`${payload}x.${signature}`, "delete_user", { userId: "u1" })).toMatchObject({
      reason: "invalid",
    });
    expect(tokens.check("garbage", "delete_user", { userId: "u1" })).toMatchObject({ reason: "invalid" });
    expect(
      new ConfirmationTokens({ key: "other" }).check(token, "delete_user", { userId: "u1" }),
    ).toMatchObject({
      reason: "invalid",
    });
  });

  it("verify on any replica sharing the key, and on none with a random key", () => {
    const issued = new ConfirmationTokens({ key: "shared" }).issue("delete_user", { userId: "u1" }, "s");
    expect(
      new ConfirmationTokens({ key: "shared" }).check(issued.token, "delete_user", { userId: "u1" }).ok,
    ).toBe(true);
    const random = new ConfirmationTokens().issue("delete_user", { userId: "u1" }, "s");
    expect(new ConfirmationTokens().check(random.token, "delete_user", { userId: "u1" }).ok).toBe(false);
  });

  it("fingerprints by value, not by key order, and reveal nothing", () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 4, e: 5 }] } })).toBe(
      '{"a":{"c":[3,{"e":5,"f":4}],"d":2},"b":1}',
    );
    expect(fingerprint({ a: 1, b: "secret-value" })).toBe(fingerprint({ b: "secret-value", a: 1 }));
    expect(fingerprint({ a: 1, b: "secret-value" })).not.toContain("secret");
  });
});
