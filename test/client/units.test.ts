import { describe, expect, it } from "vitest";
import { apiPath } from "../../src/client/api-path.js";
import { joinUrl, parseServiceUrl } from "../../src/client/base-url.js";
import { ContaboConfigError } from "../../src/client/errors.js";
import {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  failedBeforeSending,
  parseRetryAfterMs,
} from "../../src/client/retry-policy.js";

describe("service URLs", () => {
  it("accepts https anywhere and http only on loopback", () => {
    expect(parseServiceUrl("https://api.contabo.com", "CONTABO_API_URL").origin).toBe(
      "https://api.contabo.com",
    );
    for (const url of [
      "http://127.0.0.1:8080",
      "http://localhost:1",
      "http://[::1]:3000",
      "http://127.3.2.1",
    ]) {
      expect(parseServiceUrl(url, "CONTABO_API_URL").protocol).toBe("http:");
    }
  });

  it.each([
    "http://api.contabo.com",
    "http://10.0.0.1",
    "ftp://127.0.0.1",
    "not a url",
    "http://127.0.0.1.evil.com",
  ])("refuses %s with a clear error", (url) => {
    expect(() => parseServiceUrl(url, "CONTABO_API_URL")).toThrow(ContaboConfigError);
    expect(() => parseServiceUrl(url, "CONTABO_API_URL")).toThrow(/CONTABO_API_URL/);
  });

  it("keeps a base path prefix", () => {
    expect(joinUrl(new URL("https://proxy.example.com/contabo/"), "/v1/users").href).toBe(
      "https://proxy.example.com/contabo/v1/users",
    );
  });
});

describe("apiPath", () => {
  it("encodes every interpolated value as one segment", () => {
    const id = "../client/secret";
    expect(apiPath`/v1/users/${id}/reset-password`).toBe("/v1/users/..%2Fclient%2Fsecret/reset-password");
    expect(apiPath`/v1/users/${"a b?c#d"}`).toBe("/v1/users/a%20b%3Fc%23d");
    expect(apiPath`/x/${1001}`).toBe("/x/1001");
  });

  it.each(["", ".", ".."])("refuses the segment %j", (segment) => {
    expect(() => apiPath`/v1/users/${segment}`).toThrow(TypeError);
  });
});

describe("retry policy", () => {
  it("backs off exponentially with jitter, capped", () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelayMs(policy, 1, () => 0)).toBe(50);
    expect(backoffDelayMs(policy, 1, () => 1)).toBe(100);
    expect(backoffDelayMs(policy, 3, () => 1)).toBe(400);
    expect(backoffDelayMs(policy, 10, () => 1)).toBe(1000);
    expect(backoffDelayMs(policy, 10, () => 0)).toBe(500);
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    expect(parseRetryAfterMs("3")).toBe(3000);
    expect(parseRetryAfterMs(["7"])).toBe(7000);
    expect(parseRetryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfterMs("soon")).toBeUndefined();
    expect(parseRetryAfterMs(undefined)).toBeUndefined();
  });

  it("knows which failures happen before anything is sent", () => {
    expect(failedBeforeSending(Object.assign(new Error("x"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(
      failedBeforeSending(new Error("x", { cause: Object.assign(new Error("y"), { code: "ECONNREFUSED" }) })),
    ).toBe(true);
    expect(failedBeforeSending(Object.assign(new Error("x"), { code: "ECONNRESET" }))).toBe(false);
    expect(failedBeforeSending(Object.assign(new Error("x"), { code: "UND_ERR_SOCKET" }))).toBe(false);
    expect(failedBeforeSending("nope")).toBe(false);
  });
});
