import type * as NodeCrypto from "node:crypto";

/**
 * node:crypto, loaded with its first use rather than imported: a server that starts and lists its
 * tools never needs it, and loading it costs about 5 ms of every cold start.
 */
export function nodeCrypto(): typeof NodeCrypto {
  return process.getBuiltinModule("node:crypto");
}
