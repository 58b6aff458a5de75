import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

/** CONTABO_MCP_STATE_KEY must have at least this many characters. */
export const MIN_STATE_KEY_LENGTH = 32;

const FORMAT = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HKDF_SALT = "contabo-users-mcp shared state";

/** CONTABO_MCP_STATE_KEY is missing or too short to derive a key from. */
export class StateKeyError extends Error {
  override name = "StateKeyError";
}

/** A sealed value that this key cannot open: sealed under another key, damaged, or not ours. */
export class SealedValueError extends Error {
  override name = "SealedValueError";
}

/**
 * Seals values kept in the shared store with AES-256-GCM under a key derived (HKDF-SHA256) from
 * CONTABO_MCP_STATE_KEY, which every replica has and the store does not. Each value is bound to
 * where it is kept (`context`, authenticated): a sealed value moved to another key does not open.
 * Format: `v1.<key id>.<iv>.<ciphertext>.<tag>`, base64url; the key id (a second HKDF output, not
 * the key) tells "another key" from "damaged" in errors.
 */
export class SecretSealer {
  private readonly key: Buffer;
  private readonly keyId: string;

  constructor(stateKey: string) {
    if (stateKey.length < MIN_STATE_KEY_LENGTH) {
      throw new StateKeyError(
        `CONTABO_MCP_STATE_KEY must have at least ${MIN_STATE_KEY_LENGTH} characters (it has ${stateKey.length}): use a random value, the same on every replica, e.g. from \`openssl rand -base64 32\`.`,
      );
    }
    this.key = derive(stateKey, "seal key", 32);
    this.keyId = derive(stateKey, "key id", 6).toString("base64url");
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, "utf8"));
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [FORMAT, this.keyId, iv, ciphertext, cipher.getAuthTag()]
      .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
      .join(".");
  }

  /** The plaintext, or SealedValueError saying why it cannot be had. */
  open(sealed: string, context: string): string {
    const [format, keyId, iv, ciphertext, tag, ...rest] = sealed.split(".");
    if (format !== FORMAT || !keyId || !iv || ciphertext === undefined || !tag || rest.length > 0) {
      throw new SealedValueError(`the shared value at ${context} is not one this server sealed`);
    }
    if (keyId !== this.keyId) {
      throw new SealedValueError(
        `the shared value at ${context} was sealed under another CONTABO_MCP_STATE_KEY: every replica needs the same key`,
      );
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64url"), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(context, "utf8"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, "base64url")),
        decipher.final(),
      ]).toString("utf8");
    } catch (error) {
      throw new SealedValueError(`the shared value at ${context} was altered or damaged: it does not open`, {
        cause: error,
      });
    }
  }
}

function derive(stateKey: string, purpose: string, bytes: number): Buffer {
  return Buffer.from(hkdfSync("sha256", Buffer.from(stateKey, "utf8"), HKDF_SALT, purpose, bytes));
}
