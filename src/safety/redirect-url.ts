import { isIP } from "node:net";
import { domainToASCII } from "node:url";
import { quoteUntrusted } from "../shared/untrusted-text.js";

/**
 * Which `redirectUrl`s the e-mail tools may send to Contabo. The link in a password-reset or
 * verification e-mail leads there afterwards, so an attacker's URL there is a phishing page behind
 * a genuine Contabo e-mail.
 *
 * The rules, all required:
 * - it parses as a WHATWG URL and has no whitespace, control or invisible characters;
 * - the scheme is https;
 * - no user name or password (`https://my.contabo.com@attacker.example/` is refused);
 * - no port other than the default: `:443` is accepted (the URL then reads without it), any
 *   other port is refused;
 * - the host is a name, not an IP address (IPv6, IPv4, and the decimal, hex and octal forms that
 *   WHATWG URL turns into IPv4, such as `0x7f.0.0.1` or `2130706433`);
 * - the host is plain ASCII labels of letters, digits and hyphens after IDN conversion (WHATWG URL
 *   gives punycode, so a Cyrillic look-alike of contabo.com arrives as `xn--…` and does not
 *   match); no empty label, so no trailing dot: `contabo.com.` is refused, not rewritten;
 * - the host equals an allowed host or is a subdomain of one, at a label boundary: with
 *   `contabo.com` allowed, `my.contabo.com` matches, `evilcontabo.com` and
 *   `contabo.com.attacker.example` do not.
 *
 * The URL passed on is the parsed URL's `href`, so what is sent upstream is exactly what was
 * checked (not the raw text that another parser might read differently).
 */

/** The hosts allowed when none are configured; each also allows its subdomains. */
export const DEFAULT_REDIRECT_HOSTS: readonly string[] = ["contabo.com"];

export type RedirectUrlCheck = { ok: true; url: string } | { ok: false; message: string };

/** The URL to send (normalized, as checked), or a refusal that says why and names the allowed hosts. */
export function checkRedirectUrl(raw: string, allowedHosts: readonly string[]): RedirectUrlCheck {
  // Defensive: an entry that parseRedirectHosts would refuse (a lone "com", an IP) matches nothing.
  const allowed = allowedHosts.map(canonicalHost).filter(isPlainHostName);
  const refuse = (problem: string): RedirectUrlCheck => ({
    ok: false,
    message: `${problem} ${allowedSentence(allowed)}`,
  });
  if (/[\s\p{Cc}\p{Cf}]/u.test(raw)) {
    return refuse("redirectUrl must not contain spaces, line breaks or invisible characters.");
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse("redirectUrl is not a valid URL.");
  }
  if (url.protocol !== "https:")
    return refuse(`redirectUrl must use https, not ${url.protocol.slice(0, -1)}.`);
  if (url.username !== "" || url.password !== "") {
    return refuse("redirectUrl must not contain a user name or password (a part before @ in the host).");
  }
  if (url.port !== "") return refuse(`redirectUrl must not name a port (${url.port}); only the default 443.`);
  const host = url.hostname;
  if (host.startsWith("[") || isIP(host) !== 0) {
    return refuse(`redirectUrl must name a host, not an IP address (${host}).`);
  }
  if (!isPlainHostName(host)) {
    return refuse(
      `redirectUrl's host ${quoteUntrusted(host)} is not a plain host name (letters, digits, hyphens; no empty label or trailing dot).`,
    );
  }
  if (!allowed.some((allowedHost) => isSameOrSubdomain(host, allowedHost))) {
    return refuse(`redirectUrl's host ${quoteUntrusted(host)} is not allowed.`);
  }
  return { ok: true, url: url.href };
}

/**
 * The hosts of a comma-separated list (the --redirect-hosts flag), in canonical form:
 * lower-cased and IDN converted to punycode. Each must be a host name of at least two labels (so
 * a lone `com` cannot allow every .com site) with a non-numeric last label; IP addresses, ports,
 * schemes, paths, empty entries, trailing dots and wildcards are refused with an Error saying why.
 * No wildcard is needed: an allowed host matches itself and all its subdomains.
 */
export function parseRedirectHosts(list: string): string[] {
  const entries = list.split(",").map((entry) => entry.trim());
  if (entries.every((entry) => entry === "")) throw new Error("the list of redirect hosts is empty");
  return [...new Set(entries.map(parseRedirectHost))];
}

function parseRedirectHost(entry: string): string {
  const shown = JSON.stringify(entry);
  if (entry === "") throw new Error("a redirect host in the list is empty (two commas in a row?)");
  if (entry.includes("*")) {
    throw new Error(
      `redirect host ${shown}: no wildcards; a host already matches its subdomains (write contabo.com, not *.contabo.com)`,
    );
  }
  if (/[\s/:@?#[\]\\]/.test(entry)) {
    throw new Error(`redirect host ${shown}: give a host name only, without scheme, port, path or spaces`);
  }
  if (entry.endsWith(".")) throw new Error(`redirect host ${shown}: no trailing dot`);
  const host = canonicalHost(entry);
  if (isIP(host) !== 0) throw new Error(`redirect host ${shown}: an IP address is not allowed, only a name`);
  if (!isPlainHostName(host)) {
    throw new Error(
      `redirect host ${shown}: not a valid host name of at least two labels (letters, digits, hyphens)`,
    );
  }
  return host;
}

/** Lower-cased, IDN to punycode; "" when the name is not a valid domain (not a plain host name). */
function canonicalHost(host: string): string {
  return domainToASCII(host.trim().toLowerCase());
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Letters, digits and hyphens in 1–63 character labels, at least two, the last one not all digits. */
function isPlainHostName(host: string): boolean {
  const labels = host.split(".");
  const last = labels.at(-1) ?? "";
  return (
    host.length <= 253 &&
    labels.length >= 2 &&
    labels.every((label) => LABEL.test(label)) &&
    !/^\d+$/.test(last)
  );
}

function isSameOrSubdomain(host: string, allowedHost: string): boolean {
  return host === allowedHost || host.endsWith(`.${allowedHost}`);
}

function allowedSentence(allowed: readonly string[]): string {
  return allowed.length === 0
    ? "No redirect host is allowed, so leave redirectUrl out."
    : `Allowed: https URLs on ${allowed.join(", ")} or a subdomain${allowed.length > 1 ? " of one of them" : ""}; or leave redirectUrl out.`;
}
