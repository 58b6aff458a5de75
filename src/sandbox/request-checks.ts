import type { IncomingMessage } from "node:http";
import { REQUEST_ID_PATTERN } from "../contabo-api-schemas/common.js";
import { badRequest, SandboxHttpError } from "./http-error.js";
import type { SandboxState } from "./state.js";
import type { SandboxTokens, TokenClaims } from "./tokens.js";

const MAX_BODY_BYTES = 1024 * 1024;

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The bearer token must be valid, unexpired, and belong to a user who still exists and is enabled. */
export function authenticate(req: IncomingMessage, tokens: SandboxTokens, state: SandboxState): TokenClaims {
  const bearer = /^Bearer (.+)$/.exec(header(req, "authorization") ?? "")?.[1];
  const caller = bearer === undefined ? undefined : tokens.verify(bearer, "Bearer");
  if (!caller || !state.users.get(caller.sub)?.enabled) throw new SandboxHttpError(401, "Unauthorized");
  return caller;
}

/** Every operation requires x-request-id matching the spec's pattern. */
export function checkRequestId(requestId: string | undefined): void {
  if (requestId === undefined) throw badRequest("x-request-id header is required");
  if (!REQUEST_ID_PATTERN.test(requestId))
    throw badRequest(`x-request-id must match ${REQUEST_ID_PATTERN.source}`);
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new SandboxHttpError(413, "Request body too large");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** A JSON body, or undefined when none was sent. */
export function parseJsonBody(req: IncomingMessage, raw: string): unknown {
  if (raw === "") return undefined;
  const type = header(req, "content-type") ?? "";
  if (!type.toLowerCase().startsWith("application/json")) {
    throw new SandboxHttpError(415, "Content-Type must be application/json");
  }
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw badRequest(`malformed JSON body: ${error instanceof Error ? error.message : "parse error"}`);
  }
}
