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

/** Shows only the last 4 characters of a secret: what a human needs to tell two secrets apart. */
export function maskSecret(secret: string): string {
  return secret.length <= 4 ? "****" : `****${secret.slice(-4)}`;
}

/**
 * The one redaction function of the process. It knows every secret value the server has seen
 * (configured credentials, tokens, secrets in API responses) and removes them, and every value
 * under a secret-looking key, from anything that leaves the process as logs, audit records or
 * error messages.
 */
export class SecretRedactor {
  /** Configured credentials: scrubbed for the life of the process. */
  private readonly pinned = new Set<string>();
  /** Secrets seen in responses and tokens, oldest first, at most MAX_KNOWN_SECRETS. */
  private readonly recent = new Set<string>();
  /** Both, longest first (so that a secret containing another is removed whole); rebuilt on change. */
  private ordered: string[] | undefined;

  /** Remembers a secret value so that it is scrubbed from later output; `pin` keeps it for good. */
  remember(value: string | undefined, pin = false): void {
    if (!value || value.length < MIN_SCRUBBED_LENGTH) return;
    this.ordered = undefined;
    if (pin) {
      this.pinned.add(value);
      return;
    }
    this.recent.delete(value); // re-added as the most recent
    this.recent.add(value);
    if (this.recent.size > MAX_KNOWN_SECRETS) {
      const oldest = this.recent.values().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
  }

  /** Remembers the values under secret-looking keys anywhere in a parsed JSON value. */
  rememberFieldsOf(value: unknown): void {
    if (Array.isArray(value)) {
      for (const item of value) this.rememberFieldsOf(item);
    } else if (value !== null && typeof value === "object") {
      for (const [key, field] of Object.entries(value)) {
        if (SECRET_KEY.test(key) && typeof field === "string") this.remember(field);
        else this.rememberFieldsOf(field);
      }
    }
  }

  text(text: string): string {
    let out = text;
    this.ordered ??= [...this.pinned, ...this.recent].sort((a, b) => b.length - a.length);
    for (const secret of this.ordered) if (out.includes(secret)) out = out.replaceAll(secret, REDACTED);
    return out.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, `$1 ${REDACTED}`);
  }

  /** A deep copy with secret-keyed values replaced and known secrets scrubbed from every string. */
  value<T>(value: T): T {
    return this.redact(value) as T;
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
