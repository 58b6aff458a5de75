import {
  getOAuthProtectedResourceMetadataUrl,
  type OAuthProtectedResourceMetadata,
} from "@modelcontextprotocol/server";
import { SCOPES } from "../../safety/scope-policy.js";
import type { OAuthSettings } from "./oauth-settings.js";

const WELL_KNOWN = "/.well-known/oauth-protected-resource";

/**
 * Our RFC 9728 protected-resource metadata: the resource, the one authorization server that
 * issues its tokens, the scopes it understands, and bearer tokens in the Authorization header only.
 */
export function protectedResourceMetadata(settings: OAuthSettings): OAuthProtectedResourceMetadata {
  return {
    resource: settings.resource,
    authorization_servers: [settings.issuer],
    scopes_supported: [...SCOPES],
    bearer_methods_supported: ["header"],
    resource_name: "Contabo users (MCP)",
  };
}

/** Where clients are told to read the metadata (in every 401 and 403): the path-aware RFC 9728 URL. */
export function protectedResourceMetadataUrl(settings: OAuthSettings): string {
  return getOAuthProtectedResourceMetadataUrl(new URL(settings.resource));
}

/**
 * The paths we serve the metadata at: the root well-known path, the one for our own endpoint path
 * (`/.well-known/oauth-protected-resource/mcp`), and the one for the public URL's path when a proxy
 * publishes /mcp under another path.
 */
export function protectedResourceMetadataPaths(settings: OAuthSettings, endpointPath: string): Set<string> {
  const publicPath = new URL(settings.resource).pathname.replace(/\/+$/, "");
  return new Set([WELL_KNOWN, `${WELL_KNOWN}${endpointPath}`, `${WELL_KNOWN}${publicPath}`]);
}

/** The HTTP answer for a request to one of the metadata paths: the document to anyone, browsers included. */
export function protectedResourceMetadataResponse(
  method: string | undefined,
  metadata: OAuthProtectedResourceMetadata,
): Response {
  const cors = { "access-control-allow-origin": "*" };
  if (method === "OPTIONS") {
    return new Response(null, {
      status: 204,
      headers: { ...cors, "access-control-allow-methods": "GET, HEAD, OPTIONS" },
    });
  }
  if (method !== "GET" && method !== "HEAD") {
    return Response.json(
      { error: "method_not_allowed", error_description: `${method} is not allowed here: use GET` },
      { status: 405, headers: { ...cors, allow: "GET, HEAD, OPTIONS" } },
    );
  }
  // For HEAD, Node sends the headers (content-length included) and drops the body.
  return Response.json(metadata, { headers: { ...cors, "cache-control": "max-age=300" } });
}
