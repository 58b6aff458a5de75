import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkRedirectUrl,
  DEFAULT_REDIRECT_HOSTS,
  parseRedirectHosts,
} from "../../src/safety/redirect-url.js";

const CONTABO = ["contabo.com"];

describe("checkRedirectUrl", () => {
  it.each([
    ["https://contabo.com/", "https://contabo.com/"],
    ["https://my.contabo.com/reset", "https://my.contabo.com/reset"],
    ["https://a.b.my.contabo.com/x?y=1#z", "https://a.b.my.contabo.com/x?y=1#z"],
    ["HTTPS://My.Contabo.COM/Reset", "https://my.contabo.com/Reset"],
    ["https://contabo.com:443/after", "https://contabo.com/after"],
    ["https://contabo.com/über", "https://contabo.com/%C3%BCber"],
  ])("accepts %s, passed on as %s", (raw, url) => {
    expect(checkRedirectUrl(raw, CONTABO)).toEqual({ ok: true, url });
  });

  it.each([
    ["http://attacker.example/phish", "must use https, not http"],
    ["http://contabo.com/", "must use https, not http"],
    ["javascript:alert(1)", "must use https"],
    ["ftp://contabo.com/", "must use https"],
    ["https://my.contabo.com@attacker.example/", "must not contain a user name or password"],
    ["https://user@contabo.com/", "must not contain a user name or password"],
    ["https://user:pw@contabo.com/", "must not contain a user name or password"],
    ["https://:pw@contabo.com/", "must not contain a user name or password"],
    // Cyrillic с (U+0441) and о (U+043E): WHATWG URL gives punycode, which is not contabo.com.
    ["https://\u0441\u043entabo.com/", 'host "xn--ntabo-iyeu.com" is not allowed'],
    ["https://my.\u0441\u043entabo.com/", "is not allowed"],
    ["https://evilcontabo.com", 'host "evilcontabo.com" is not allowed'],
    ["https://contabo.com.attacker.example", 'host "contabo.com.attacker.example" is not allowed'],
    ["https://contabo.co/", "is not allowed"],
    ["https://com/", "is not a plain host name"],
    ["https://1.2.3.4/", "not an IP address (1.2.3.4)"],
    ["https://[::1]/", "not an IP address ([::1])"],
    ["https://[::ffff:127.0.0.1]/", "not an IP address"],
    ["https://0x7f.0.0.1/", "not an IP address (127.0.0.1)"],
    ["https://2130706433/", "not an IP address (127.0.0.1)"],
    ["https://0177.0.0.1/", "not an IP address (127.0.0.1)"],
    ["https://contabo.com:8443/", "must not name a port (8443)"],
    ["https://contabo.com./", "no empty label or trailing dot"],
    ["https://my..contabo.com/", "no empty label or trailing dot"],
    ["https://.contabo.com/", "no empty label or trailing dot"],
    ["https://a_b.contabo.com/", "is not a plain host name"],
    ["https://a!b.contabo.com/", "is not a plain host name"],
    [" https://contabo.com/", "must not contain spaces, line breaks or invisible characters"],
    ["https://contabo.com/\n", "must not contain spaces, line breaks or invisible characters"],
    ["https://con\ttabo.com/", "must not contain spaces, line breaks or invisible characters"],
    ["https://contabo.com/\u202e", "must not contain spaces, line breaks or invisible characters"],
    ["https://contabo\u200b.com/", "must not contain spaces, line breaks or invisible characters"],
    ["not a url", "must not contain spaces"],
    ["contabo.com/reset", "is not a valid URL"],
    ["https://", "is not a valid URL"],
  ])("refuses %s (%s), naming the allowed hosts", (raw, problem) => {
    const check = checkRedirectUrl(raw, CONTABO);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.message).toContain(problem);
    expect(check.message).toContain(
      "Allowed: https URLs on contabo.com or a subdomain; or leave redirectUrl out.",
    );
  });

  it("a backslash cannot hide another host: the URL passed on is the one that was checked", () => {
    expect(checkRedirectUrl("https://contabo.com\\@attacker.example/", CONTABO)).toEqual({
      ok: true,
      url: "https://contabo.com/@attacker.example/",
    });
  });

  it("allows several hosts, each with its subdomains, and names them all", () => {
    const hosts = ["contabo.com", "example.org"];
    expect(checkRedirectUrl("https://login.example.org/", hosts).ok).toBe(true);
    expect(checkRedirectUrl("https://contabo.com/", hosts).ok).toBe(true);
    const refused = checkRedirectUrl("https://example.com/", hosts);
    expect(refused).toEqual({
      ok: false,
      message:
        'redirectUrl\'s host "example.com" is not allowed. Allowed: https URLs on contabo.com, example.org or a subdomain of one of them; or leave redirectUrl out.',
    });
  });

  it("reads allowed hosts in any case or script, and ignores entries that cannot be hosts", () => {
    expect(checkRedirectUrl("https://my.contabo.com/", ["Contabo.COM"]).ok).toBe(true);
    expect(checkRedirectUrl("https://xn--mnchen-3ya.de/", ["münchen.de"]).ok).toBe(true);
    // A lone top-level domain or an IP given without parseRedirectHosts allows nothing.
    expect(checkRedirectUrl("https://attacker.com/", ["com"])).toEqual({
      ok: false,
      message:
        'redirectUrl\'s host "attacker.com" is not allowed. No redirect host is allowed, so leave redirectUrl out.',
    });
    expect(checkRedirectUrl("https://1.2.3.4/", ["1.2.3.4"]).ok).toBe(false);
    expect(checkRedirectUrl("https://contabo.com/", []).ok).toBe(false);
  });

  it("DEFAULT_REDIRECT_HOSTS is contabo.com", () => {
    expect(DEFAULT_REDIRECT_HOSTS).toEqual(["contabo.com"]);
    expect(checkRedirectUrl("https://my.contabo.com/reset", DEFAULT_REDIRECT_HOSTS).ok).toBe(true);
  });
});

describe("checkRedirectUrl against an independent oracle", () => {
  const alphanumeric = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789");
  const letter = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz");
  /** A valid DNS label: letters, digits and inner hyphens, 1–20 characters, not an "xn--" label. */
  const label = fc
    .tuple(alphanumeric, fc.string({ unit: fc.constantFrom(..."abz09-"), maxLength: 18 }), alphanumeric)
    .map(([first, middle, last]) => first + middle + last)
    .chain((long) => fc.constantFrom(long, long.slice(0, 1)))
    .filter((value) => !value.startsWith("xn--"));
  const commonLabel = fc.constantFrom("contabo", "com", "my", "evil", "evilcontabo", "example", "de", "c");
  const anyLabel = fc.oneof(label, commonLabel);
  /** A top-level label: letters only, so that no host looks like an IPv4 address. */
  const topLabel = fc.oneof(fc.string({ unit: letter, minLength: 1, maxLength: 6 }), commonLabel);
  const domain = fc
    .tuple(fc.array(anyLabel, { minLength: 1, maxLength: 3 }), topLabel)
    .map(([labels, top]) => [...labels, top].join("."));

  const allowedHosts = fc.array(fc.oneof(domain, fc.constant("contabo.com")), { minLength: 1, maxLength: 3 });
  /** Hosts near the allowed ones (equal, subdomains, glued prefixes, extra suffixes) as well as random ones. */
  const hostFor = (allowed: string[]) =>
    fc.oneof(
      domain,
      fc.constantFrom(...allowed),
      fc.tuple(anyLabel, fc.constantFrom(...allowed)).map(([sub, host]) => `${sub}.${host}`),
      fc.tuple(anyLabel, fc.constantFrom(...allowed)).map(([glued, host]) => `${glued}${host}`),
      fc.tuple(fc.constantFrom(...allowed), domain).map(([host, suffix]) => `${host}.${suffix}`),
    );
  const mixedCase = (host: string) =>
    fc
      .array(fc.boolean(), { minLength: host.length, maxLength: host.length })
      .map((upper) => [...host].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(""));

  const scenario = allowedHosts.chain((allowed) =>
    fc.record({
      allowed: fc.constant(allowed),
      host: hostFor(allowed).chain(mixedCase),
      scheme: fc.constantFrom("https", "https", "https", "http", "HTTPS"),
      userinfo: fc.constantFrom("", "", "", "user@", "user:pw@", "contabo.com@"),
      port: fc.constantFrom("", "", "", ":443", ":8443", ":80"),
      path: fc.constantFrom("", "/", "/reset?next=1", "/a#b"),
    }),
  );

  it("accepts exactly the https URLs without userinfo or other port whose host is an allowed host or below one", () => {
    fc.assert(
      fc.property(scenario, ({ allowed, host, scheme, userinfo, port, path }) => {
        const raw = `${scheme}://${userinfo}${host}${port}${path}`;
        const lowerHost = host.toLowerCase();
        const hostAllowed = allowed.some(
          (allowedHost) => lowerHost === allowedHost || lowerHost.endsWith(`.${allowedHost}`),
        );
        const expected =
          scheme.toLowerCase() === "https" &&
          userinfo === "" &&
          (port === "" || port === ":443") &&
          hostAllowed;
        const check = checkRedirectUrl(raw, allowed);
        expect(check.ok, `${raw} with ${allowed.join(", ")}: ${check.ok ? "" : check.message}`).toBe(
          expected,
        );
        if (check.ok) {
          expect(check.url.startsWith(`https://${lowerHost}/`)).toBe(true);
        } else {
          for (const allowedHost of allowed) expect(check.message).toContain(allowedHost);
        }
      }),
      { numRuns: 3_000 },
    );
  });
});

describe("parseRedirectHosts", () => {
  it("reads a comma-separated list: trimmed, lower-cased, punycode, without duplicates", () => {
    expect(parseRedirectHosts("contabo.com")).toEqual(["contabo.com"]);
    expect(parseRedirectHosts(" Contabo.com , my.Example.org,contabo.com")).toEqual([
      "contabo.com",
      "my.example.org",
    ]);
    expect(parseRedirectHosts("münchen.de")).toEqual(["xn--mnchen-3ya.de"]);
  });

  it.each([
    ["", "the list of redirect hosts is empty"],
    [" , ", "the list of redirect hosts is empty"],
    ["contabo.com,,example.org", "is empty (two commas in a row?)"],
    ["*.contabo.com", "no wildcards; a host already matches its subdomains"],
    ["contabo.*", "no wildcards"],
    ["*", "no wildcards"],
    ["https://contabo.com", "a host name only, without scheme, port, path or spaces"],
    ["contabo.com:443", "a host name only"],
    ["contabo.com/reset", "a host name only"],
    ["user@contabo.com", "a host name only"],
    ["[::1]", "a host name only"],
    ["::1", "a host name only"],
    ["con tabo.com", "a host name only"],
    ["contabo.com.", "no trailing dot"],
    ["1.2.3.4", "an IP address is not allowed"],
    ["0x7f.0.0.1", "an IP address is not allowed"],
    ["2130706433", "an IP address is not allowed"],
    ["com", "not a valid host name of at least two labels"],
    ["localhost", "not a valid host name of at least two labels"],
    ["a..b", "not a valid host name"],
    ["a_b.com", "not a valid host name"],
    ["-a.com", "not a valid host name"],
    ["example.123", "not a valid host name"],
    [`${"a".repeat(64)}.com`, "not a valid host name"],
  ])("refuses %j: %s", (list, problem) => {
    expect(() => parseRedirectHosts(list)).toThrow(problem);
  });

  it("gives hosts that checkRedirectUrl accepts, with their subdomains", () => {
    const hosts = parseRedirectHosts("Contabo.com,münchen.de");
    expect(checkRedirectUrl("https://my.contabo.com/", hosts).ok).toBe(true);
    expect(checkRedirectUrl("https://www.münchen.de/", hosts)).toEqual({
      ok: true,
      url: "https://www.xn--mnchen-3ya.de/",
    });
  });
});
