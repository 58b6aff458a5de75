/** Keys whose values are secrets wherever they appear (response fields, arguments, log fields). */
const SECRET_KEY = /secret|password|token|authorization/i;
const REDACTED = "[redacted]";
/** Shorter values are too common to scrub from text without mangling it. */
const MIN_SCRUBBED_LENGTH = 8;

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
  private readonly known = new Set<string>();

  /** Remembers a secret value so that it is scrubbed from all later output. */
  remember(value: string | undefined): void {
    if (value && value.length >= MIN_SCRUBBED_LENGTH) this.known.add(value);
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
    for (const secret of this.known) if (out.includes(secret)) out = out.replaceAll(secret, REDACTED);
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
