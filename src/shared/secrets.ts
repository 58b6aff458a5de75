/** Keys whose values are secrets wherever they appear (response fields, arguments, log fields). */
const SECRET_KEY = /secret|password|token|authorization/i;
const REDACTED = "[redacted]";
/** Shorter values are too common to scrub from text without mangling it. */
const MIN_SCRUBBED_LENGTH = 8;
/**
 * The most recent secrets kept for scrubbing. A long-running server that lists many credentials
 * would otherwise grow this set, and the cost of every log line, without bound.
 */
const MAX_KNOWN_SECRETS = 1_000;
const PERCENT_ESCAPE = /%[0-9A-F]{2}/g;

/** Shows only the last 4 characters of a secret: what a human needs to tell two secrets apart. */
export function maskSecret(secret: string): string {
  return secret.length <= 4 ? "****" : `****${secret.slice(-4)}`;
}

/**
 * The forms a secret takes in text that went through an encoder on its way back to us: as is,
 * URL-encoded (encodeURIComponent), form-encoded (`+` for a space, as the token request sends it),
 * either with lower-case hex, and escaped inside a JSON string. An upstream that echoes a request
 * in an error body shows one of these. A secret of letters, digits and `-._` has just one form.
 */
export function encodedForms(secret: string): string[] {
  const forms = new Set([secret, JSON.stringify(secret).slice(1, -1)]);
  const percentEncoded = [new URLSearchParams({ s: secret }).toString().slice("s=".length)];
  const uriComponent = encodeUriComponentOrUndefined(secret);
  if (uriComponent !== undefined) percentEncoded.push(uriComponent, uriComponent.replaceAll("%20", "+"));
  for (const form of percentEncoded) {
    forms.add(form);
    forms.add(form.replace(PERCENT_ESCAPE, (hex) => hex.toLowerCase()));
  }
  return [...forms];
}

/** encodeURIComponent throws on a lone surrogate; such a secret keeps its other forms. */
function encodeUriComponentOrUndefined(text: string): string | undefined {
  try {
    return encodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/**
 * The one redaction function of the process. It knows every secret value the server has seen
 * (configured credentials, tokens, secrets in API responses) and removes them, in each of their
 * encoded forms, and every value under a secret-looking key, from anything that leaves the process
 * as logs, audit records, results or error messages.
 */
export class SecretRedactor {
  /** Configured credentials, with their encoded forms: scrubbed for the life of the process. */
  private readonly pinned = new Map<string, readonly string[]>();
  /** Secrets seen in responses and tokens, with their encoded forms, oldest first, at most MAX_KNOWN_SECRETS. */
  private readonly recent = new Map<string, readonly string[]>();
  /**
   * Every form of every known secret, longest first (so that a secret containing another is
   * removed whole); rebuilt only when the set of secrets changes.
   */
  private ordered: string[] | undefined;

  /** Remembers a secret value so that it is scrubbed from later output; `pin` keeps it for good. */
  remember(value: string | undefined, pin = false): void {
    if (!value || value.length < MIN_SCRUBBED_LENGTH) return;
    if (pin) {
      if (this.pinned.has(value)) return;
      this.pinned.set(value, this.recent.get(value) ?? encodedForms(value));
      this.ordered = undefined;
      return;
    }
    const known = this.recent.get(value);
    this.recent.delete(value); // re-added as the most recent
    this.recent.set(value, known ?? this.pinned.get(value) ?? encodedForms(value));
    if (known !== undefined) return; // the same secrets: `ordered` still holds
    this.ordered = undefined;
    if (this.recent.size > MAX_KNOWN_SECRETS) {
      const oldest = this.recent.keys().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
  }

  /**
   * Remembers the values under secret-looking keys anywhere in a parsed JSON value. Given the JSON
   * text it was parsed from, it skips the walk when no such key can be in it: none matches in the
   * text, and the text has no `\u` escape that could spell one (most answers, such as user lists).
   */
  rememberFieldsOf(value: unknown, json?: string): void {
    if (json !== undefined && !SECRET_KEY.test(json) && !json.includes("\\u")) return;
    if (Array.isArray(value)) {
      for (const item of value) this.rememberFieldsOf(item);
    } else if (value !== null && typeof value === "object") {
      const record = value as Record<string, unknown>;
      for (const key in record) {
        const field = record[key];
        if (SECRET_KEY.test(key) && typeof field === "string") this.remember(field);
        else this.rememberFieldsOf(field);
      }
    }
  }

  /** The text without any form of any known secret, nor the credential of a Bearer or Basic header. */
  text(text: string): string {
    let out = text;
    const forms = this.forms();
    // Forms longer than the text cannot be in it: start at the first that fits.
    for (let i = firstNoLongerThan(forms, text.length); i < forms.length; i++) {
      const form = forms[i];
      if (form !== undefined && out.includes(form)) out = out.replaceAll(form, REDACTED);
    }
    return out.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, `$1 ${REDACTED}`);
  }

  /** A deep copy with secret-keyed values replaced and known secrets scrubbed from every string. */
  value<T>(value: T): T {
    return this.redact(value) as T;
  }

  private forms(): readonly string[] {
    if (this.ordered === undefined) {
      const all = new Set<string>();
      for (const known of [this.pinned, this.recent]) {
        for (const forms of known.values()) for (const form of forms) all.add(form);
      }
      this.ordered = [...all].sort((a, b) => b.length - a.length);
    }
    return this.ordered;
  }

  private redact(value: unknown, key?: string): unknown {
    if (typeof value === "string")
      return key !== undefined && SECRET_KEY.test(key) ? REDACTED : this.text(value);
    if (Array.isArray(value)) return value.map((item) => this.redact(item));
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.redact(v, k)]));
    }
    return value;
  }
}

/** The index of the first string no longer than `length` in strings sorted longest first. */
function firstNoLongerThan(sorted: readonly string[], length: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle]?.length ?? 0) > length) low = middle + 1;
    else high = middle;
  }
  return low;
}
