import { describe, expect, it } from "vitest";
import { SealedValueError, SecretSealer, StateKeyError } from "../../src/redis/sealed-secret.js";

const KEY = "a-state-key-of-at-least-32-characters";
const WHERE = "contabo-users-mcp:login:abc:client-secret";

describe("SecretSealer (AES-256-GCM under CONTABO_MCP_STATE_KEY)", () => {
  it("opens what it sealed, and the sealed form shows nothing of the plaintext", () => {
    const sealer = new SecretSealer(KEY);
    const sealed = sealer.seal("the-client-secret-value", WHERE);
    expect(sealed).not.toContain("the-client-secret-value");
    expect(sealed).toMatch(/^v1\./);
    expect(sealer.open(sealed, WHERE)).toBe("the-client-secret-value");
    // A fresh IV each time: the same secret sealed twice looks different.
    expect(sealer.seal("the-client-secret-value", WHERE)).not.toBe(sealed);
  });

  it("refuses, saying why, a value sealed under another key, altered, moved elsewhere, or not sealed", () => {
    const sealed = new SecretSealer(KEY).seal("s3cret-value", WHERE);
    const other = new SecretSealer(`${KEY}-but-another`);
    expect(() => other.open(sealed, WHERE)).toThrow(SealedValueError);
    expect(() => other.open(sealed, WHERE)).toThrow(
      /sealed under another CONTABO_MCP_STATE_KEY: every replica needs the same key/,
    );
    const sealer = new SecretSealer(KEY);
    const [format, keyId, iv, ciphertext = "", tag] = sealed.split(".");
    const flipped = `${ciphertext.startsWith("A") ? "B" : "A"}${ciphertext.slice(1)}`;
    const altered = [format, keyId, iv, flipped, tag].join(".");
    expect(() => sealer.open(altered, WHERE)).toThrow(/was altered or damaged/);
    expect(() => sealer.open(sealed, "contabo-users-mcp:login:abc:token")).toThrow(/was altered or damaged/);
    expect(() => sealer.open('{"secret":"x"}', WHERE)).toThrow(/is not one this server sealed/);
  });

  it("refuses a key shorter than 32 characters", () => {
    expect(() => new SecretSealer("short")).toThrow(StateKeyError);
    expect(() => new SecretSealer("x".repeat(31))).toThrow(/at least 32 characters \(it has 31\)/);
    expect(() => new SecretSealer("x".repeat(32))).not.toThrow();
  });
});
