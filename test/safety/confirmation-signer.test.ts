import { describe, expect, it } from "vitest";
import { ConfirmationSigner } from "../../src/safety/confirmation-signer.js";
import { MemorySafetyStore } from "../../src/safety/safety-store.js";
import { canonicalJson, fingerprint } from "../../src/shared/fingerprint.js";

const KEY = "a-confirmation-key-of-32-characters!";
const call = (tool: string, args: unknown, caller = "stdio") => ({ tool, args, caller });

describe("confirmation seals", () => {
  const args = { userId: "u1", roles: [1, 2] };

  it("open for the same tool, arguments (in any key order), caller and state, until they expire", () => {
    let now = 1_000;
    const seals = new ConfirmationSigner({ key: KEY, ttlMs: 60_000, now: () => now });
    const { sealed, expiresAt } = seals.seal("token", call("update_user", args), "state-1");
    expect(expiresAt).toBe(61_000);
    const opened = seals.open(sealed, "token", call("update_user", { roles: [1, 2], userId: "u1" }));
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    expect(seals.sameState(opened, "state-1")).toBe(true);
    expect(seals.sameState(opened, "state-2")).toBe(false);
    now = 61_000;
    expect(seals.open(sealed, "token", call("update_user", args))).toMatchObject({
      ok: false,
      reason: "expired",
    });
  });

  it("refuse other tools, arguments, callers and kinds, and altered or foreign seals", () => {
    const seals = new ConfirmationSigner({ key: KEY });
    const { sealed } = seals.seal("state", call("delete_user", { userId: "u1" }, "http:alice"), "s");
    const open = (tool: string, userId: string, caller = "http:alice", kind: "state" | "token" = "state") =>
      seals.open(sealed, kind, call(tool, { userId }, caller));
    expect(open("update_user", "u1")).toMatchObject({ ok: false, reason: "other-tool" });
    expect(open("delete_user", "u2")).toMatchObject({ ok: false, reason: "other-arguments" });
    expect(open("delete_user", "u1", "http:mallory")).toMatchObject({ ok: false, reason: "other-caller" });
    // A request state handed to a client is never accepted as a token, nor the other way round.
    expect(open("delete_user", "u1", "http:alice", "token")).toMatchObject({ ok: false, reason: "invalid" });
    const [payload, signature] = sealed.split(".");
    expect(
      seals.open(`${payload}x.${signature}`, "state", call("delete_user", { userId: "u1" }, "http:alice")),
    ).toMatchObject({
      reason: "invalid",
    });
    expect(seals.open("garbage", "state", call("delete_user", { userId: "u1" }))).toMatchObject({
      reason: "invalid",
    });
    expect(
      new ConfirmationSigner({ key: `${KEY}?` }).open(
        sealed,
        "state",
        call("delete_user", { userId: "u1" }, "http:alice"),
      ),
    ).toMatchObject({ reason: "invalid" });
  });

  it("carry a nonce of their own: two seals of one call differ, and each nonce is claimed once", async () => {
    const seals = new ConfirmationSigner({ key: KEY });
    const store = new MemorySafetyStore();
    const first = seals.seal("token", call("retrieve_user_client", { reveal: true }), "s");
    const second = seals.seal("token", call("retrieve_user_client", { reveal: true }), "s");
    expect(first.sealed).not.toBe(second.sealed);
    const opened = seals.open(first.sealed, "token", call("retrieve_user_client", { reveal: true }));
    if (!opened.ok) throw new Error("seal refused");
    const claims = await Promise.all(
      Array.from({ length: 100 }, () => store.claimNonce(opened.nonce, opened.expiresAt)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it("open on any replica sharing the key, and on none with a random key", () => {
    const { sealed } = new ConfirmationSigner({ key: KEY }).seal(
      "token",
      call("delete_user", { userId: "u1" }),
      "s",
    );
    expect(
      new ConfirmationSigner({ key: KEY }).open(sealed, "token", call("delete_user", { userId: "u1" })).ok,
    ).toBe(true);
    const random = new ConfirmationSigner().seal("token", call("delete_user", { userId: "u1" }), "s");
    expect(
      new ConfirmationSigner().open(random.sealed, "token", call("delete_user", { userId: "u1" })).ok,
    ).toBe(false);
  });

  it("refuse a key too short to resist guessing", () => {
    expect(() => new ConfirmationSigner({ key: "short" })).toThrow("at least 32 characters");
  });

  it("carry keyed digests of the state and the caller, never them or their plain hashes", () => {
    const state = { secret: "7271e905-239e-4d15-a8c5-527743a58390" };
    const { sealed } = new ConfirmationSigner({ key: KEY }).seal(
      "state",
      call("retrieve_user_client", {}, "http:alice@example.com"),
      fingerprint(state),
    );
    const payload = Buffer.from(sealed.split(".")[0] ?? "", "base64url").toString();
    expect(payload).not.toContain(fingerprint(state));
    expect(payload).not.toContain(state.secret);
    expect(payload).not.toContain("alice");
  });

  it("fingerprint values by content, not key order", () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 4, e: 5 }] } })).toBe(
      '{"a":{"c":[3,{"e":5,"f":4}],"d":2},"b":1}',
    );
    expect(fingerprint({ a: 1, b: "x" })).toBe(fingerprint({ b: "x", a: 1 }));
    expect(fingerprint({ a: 1, b: "x" })).not.toBe(fingerprint({ a: 1, b: "y" }));
  });
});
