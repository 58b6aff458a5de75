import { describe, expect, it } from "vitest";
import { encodedForms, SecretRedactor } from "../../src/shared/secrets.js";
import { AWKWARD_CLIENT_SECRET, AWKWARD_PASSWORD, everyForm, leakedForms } from "../safety/secret-forms.js";

describe("redaction of encoded secrets", () => {
  it("removes a secret URL-encoded, form-encoded and JSON-escaped, not only as is", () => {
    const redactor = new SecretRedactor();
    redactor.remember(AWKWARD_CLIENT_SECRET, true);
    redactor.remember(AWKWARD_PASSWORD);
    for (const secret of [AWKWARD_CLIENT_SECRET, AWKWARD_PASSWORD]) {
      const forms = everyForm(secret);
      expect(new Set(forms).size, "the test's secrets differ in each form").toBe(forms.length);
      for (const form of forms) {
        expect(redactor.text(`upstream said: ${form} (end)`)).toBe("upstream said: [redacted] (end)");
      }
    }
  });

  it("removes percent-encoded forms written with lower-case hex digits", () => {
    const redactor = new SecretRedactor();
    redactor.remember(AWKWARD_PASSWORD);
    const lowerHex = encodeURIComponent(AWKWARD_PASSWORD).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase());
    expect(redactor.text(`password=${lowerHex}&grant_type=password`)).toBe(
      "password=[redacted]&grant_type=password",
    );
  });

  it("removes the secrets of a whole echoed form body, and keeps the rest of it", () => {
    const redactor = new SecretRedactor();
    redactor.remember(AWKWARD_CLIENT_SECRET, true);
    redactor.remember(AWKWARD_PASSWORD, true);
    const body = new URLSearchParams({
      grant_type: "password",
      username: "api@example.com",
      password: AWKWARD_PASSWORD,
      client_id: "the-client",
      client_secret: AWKWARD_CLIENT_SECRET,
    }).toString();
    const redacted = redactor.text(`invalid_client (request was ${body})`);
    expect(leakedForms(redacted, [AWKWARD_CLIENT_SECRET, AWKWARD_PASSWORD])).toEqual([]);
    expect(redacted).toBe(
      "invalid_client (request was grant_type=password&username=api%40example.com&password=[redacted]&client_id=the-client&client_secret=[redacted])",
    );
  });

  it("removes the JSON-escaped form from a value's strings too", () => {
    const redactor = new SecretRedactor();
    redactor.remember(AWKWARD_CLIENT_SECRET, true);
    const echoed = `{"client_secret":${JSON.stringify(AWKWARD_CLIENT_SECRET)}}`;
    expect(redactor.value({ message: `bad request ${echoed}` })).toEqual({
      message: 'bad request {"client_secret":"[redacted]"}',
    });
  });

  it("lists each distinct form once: a secret of letters, digits and -._ has one, so it costs one check", () => {
    expect(encodedForms("7271e905-239e-4d15-a8c5_527743a58390.x")).toEqual([
      "7271e905-239e-4d15-a8c5_527743a58390.x",
    ]);
    const forms = encodedForms(AWKWARD_PASSWORD);
    expect(forms).toEqual(expect.arrayContaining(everyForm(AWKWARD_PASSWORD)));
    expect(new Set(forms).size).toBe(forms.length);
  });

  it("finds secrets of every length, the shortest included, in texts of every length", () => {
    const redactor = new SecretRedactor();
    const secrets = ["eight-ch", "a-secret-of-24-characters", AWKWARD_PASSWORD, "x".repeat(200)];
    for (const secret of secrets) redactor.remember(secret);
    expect(redactor.text("eight-ch")).toBe("[redacted]");
    expect(redactor.text("seven-c")).toBe("seven-c");
    for (const secret of secrets) {
      for (const form of everyForm(secret)) expect(redactor.text(`<${form}>`)).toBe("<[redacted]>");
    }
  });

  it("accepts a secret that no URL encoder takes (a lone surrogate), and still removes it as is", () => {
    const redactor = new SecretRedactor();
    const broken = "half-a-pair-\ud800-secret";
    redactor.remember(broken);
    expect(redactor.text(`got ${broken}`)).toBe("got [redacted]");
  });

  it("forgets the encoded forms with the secret: the 1,000 most recent are kept, pinned ones for good", () => {
    const redactor = new SecretRedactor();
    redactor.remember(AWKWARD_PASSWORD, true);
    redactor.remember(AWKWARD_CLIENT_SECRET);
    for (let i = 0; i < 999; i++) redactor.remember(`listed-secret-${i}`);
    const encodedSecret = encodeURIComponent(AWKWARD_CLIENT_SECRET);
    expect(redactor.text(encodedSecret)).toBe("[redacted]");
    redactor.remember("one-more-secret"); // the 1,001st: the oldest, the client secret, goes
    expect(redactor.text(encodedSecret)).toBe(encodedSecret);
    expect(redactor.text("listed-secret-0 one-more-secret")).toBe("[redacted] [redacted]");
    // Seen again, a known secret is not added twice: nothing else is pushed out.
    redactor.remember("listed-secret-0");
    expect(redactor.text("listed-secret-1")).toBe("[redacted]");
    expect(redactor.text(encodeURIComponent(AWKWARD_PASSWORD))).toBe("[redacted]");
  });
});
