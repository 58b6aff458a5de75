import type { AuthInfo } from "@modelcontextprotocol/server";

/**
 * Who calls, as confirmations, audit lines and the per-caller rate limit name them: "http:" and the
 * bearer's subject (the OAuth `sub`, or "static-token" for MCP_HTTP_TOKEN), with the OAuth client
 * after a "/" when it is another (a person's token used by an agent), else `anonymous` ("stdio" for
 * the local client, "http:anonymous" over HTTP without a token).
 */
export function callerIdentity(auth: AuthInfo | undefined, anonymous: string): string {
  if (!auth) return anonymous;
  const subject = typeof auth.extra?.subject === "string" ? auth.extra.subject : auth.clientId;
  // Each part escaped, so that no subject or client id can contain the separator and pose as a pair.
  const [who, via] = [encodeURIComponent(subject), encodeURIComponent(auth.clientId)];
  return subject === auth.clientId ? `http:${who}` : `http:${who}/${via}`;
}
