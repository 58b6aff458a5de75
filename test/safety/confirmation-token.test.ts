import { describe, expect, it } from "vitest";
import { ConfirmationTokens } from "../../src/safety/confirmation-token.js";
import { canonicalJson, fingerprint } from "../../src/safety/fingerprint.js";

const KEY = "a-confirmation-key-of-32-characters!";

describe("confirmation tokens", () => {
  const args = { userId: "u1", roles: [1, 2] };

  it("verify for the same tool and arguments (in any key order) and state, until they expire", () => {
    let now = 1_000;
    const tokens = new ConfirmationTokens({ key: KEY, ttlMs: 60_000, now: () => now });
    const { token, expiresAt } = tokens.issue("update_user", args, "state-1");
    expect(expiresAt).toBe(new Date(61_000).toISOString());
    const check = tokens.check(token, "update_user", { roles: [1, 2], userId: "u1" });
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(tokens.sameState(check, "state-1")).toBe(true);
    expect(tokens.sameState(check, "state-2")).toBe(false);
    now = 61_000;
    expect(tokens.check(token, "update_user", args)).toMatchObject({ ok: false, reason: "expired" });
  });

  it("refuse other tools, other arguments, altered or foreign tokens", () => {
    const tokens = new ConfirmationTokens({ key: KEY });
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
      new ConfirmationTokens({ key: `${KEY}?` }).check(token, "delete_user", { userId: "u1" }),
    ).toMatchObject({
      reason: "invalid",
    });
  });

  it("are single-use in the process that accepted them", () => {
    const tokens = new ConfirmationTokens({ key: KEY });
    const { token } = tokens.issue("retrieve_user_client", { reveal: true }, "s");
    const check = tokens.check(token, "retrieve_user_client", { reveal: true });
    if (!check.ok) throw new Error("token refused");
    tokens.spend(token, check);
    expect(tokens.check(token, "retrieve_user_client", { reveal: true })).toMatchObject({
      ok: false,
      reason: "used",
    });
  });

  it("verify on any replica sharing the key, and on none with a random key", () => {
    const issued = new ConfirmationTokens({ key: KEY }).issue("delete_user", { userId: "u1" }, "s");
    expect(new ConfirmationTokens({ key: KEY }).check(issued.token, "delete_user", { userId: "u1" }).ok).toBe(
      true,
    );
    const random = new ConfirmationTokens().issue("delete_user", { userId: "u1" }, "s");
    expect(new ConfirmationTokens().check(random.token, "delete_user", { userId: "u1" }).ok).toBe(false);
  });

  it("refuse a key too short to resist guessing", () => {
    expect(() => new ConfirmationTokens({ key: "short" })).toThrow("at least 32 characters");
  });

  it("carry a keyed digest of the state, never the state or its plain hash", () => {
    const state = { secret: "7271e905-239e-4d15-a8c5-527743a58390" };
    const { token } = new ConfirmationTokens({ key: KEY }).issue(
      "retrieve_user_client",
      {},
      fingerprint(state),
    );
    const payload = Buffer.from(token.split(".")[0] ?? "", "base64url").toString();
    expect(payload).not.toContain(fingerprint(state));
    expect(payload).not.toContain(state.secret);
  });

  it("fingerprint values by content, not key order", () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 4, e: 5 }] } })).toBe(
      '{"a":{"c":[3,{"e":5,"f":4}],"d":2},"b":1}',
    );
    expect(fingerprint({ a: 1, b: "x" })).toBe(fingerprint({ b: "x", a: 1 }));
    expect(fingerprint({ a: 1, b: "x" })).not.toBe(fingerprint({ a: 1, b: "y" }));
  });
});
