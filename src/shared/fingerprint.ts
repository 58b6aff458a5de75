import { nodeCrypto } from "./node-crypto.js";

/** JSON with object keys sorted at every depth, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, field]) => field !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, field]) => [key, sortKeys(field)]),
    );
  }
  return value;
}

/** A short SHA-256 digest of a value's canonical JSON: equal state, equal fingerprint; it reveals nothing. */
export function fingerprint(value: unknown): string {
  return nodeCrypto().createHash("sha256").update(canonicalJson(value)).digest("base64url").slice(0, 32);
}

/** Whether two secrets (tokens, MACs, digests) are equal, in time that does not depend on where they differ. */
export function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const left = Buffer.from(given);
  const right = Buffer.from(expected);
  // Equal lengths first (timingSafeEqual needs them); the length of a random secret leaks nothing useful.
  return left.length === right.length && nodeCrypto().timingSafeEqual(left, right);
}
