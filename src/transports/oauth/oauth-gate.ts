import {
  type AuthInfo,
  bearerAuthChallengeResponse,
  OAuthError,
  OAuthErrorCode,
  type OAuthProtectedResourceMetadata,
} from "@modelcontextprotocol/server";
import { missingScope } from "../../safety/scope-policy.js";
import type { Logger } from "../../shared/log.js";
import { TOOL_SCOPES } from "../../tools/registry.js";
import { JwtAccessTokenVerifier, KeysUnavailableError } from "./access-token-verifier.js";
import { discoverIssuerMetadata } from "./issuer-metadata.js";
import type { OAuthSettings } from "./oauth-settings.js";
import { protectedResourceMetadata, protectedResourceMetadataUrl } from "./protected-resource-metadata.js";

export interface OAuthGateOptions extends OAuthSettings {
  /** Seconds of clock difference tolerated on `exp` and `nbf` (default 30). */
  clockToleranceSeconds?: number;
  /** Milliseconds after a key-set fetch before an unknown key id may fetch it again (default 30 s). */
  jwksCooldownMs?: number;
  /** Milliseconds between background fetches of the key set (default 10 minutes). */
  jwksRefreshMs?: number;
}

/** Seconds a client is asked to wait when the issuer's keys cannot be read. */
const KEYS_RETRY_AFTER_SECONDS = 5;

/**
 * The OAuth resource server in front of /mcp: who the caller is (401 without a valid access token
 * for this resource) and whether their scopes cover the request (403 insufficient_scope).
 * Refusals are ready HTTP answers carrying the `WWW-Authenticate` challenge.
 */
export class OAuthGate {
  readonly metadata: OAuthProtectedResourceMetadata;
  readonly metadataUrl: string;

  private constructor(
    private readonly verifier: JwtAccessTokenVerifier,
    settings: OAuthSettings,
    private readonly logger: Logger,
  ) {
    this.metadata = protectedResourceMetadata(settings);
    this.metadataUrl = protectedResourceMetadataUrl(settings);
  }

  /** Reads the issuer's metadata and keys; throws IssuerMetadataError or KeysUnavailableError. */
  static async start(options: OAuthGateOptions, logger: Logger): Promise<OAuthGate> {
    const issuer = await discoverIssuerMetadata(options.issuer);
    const verifier = new JwtAccessTokenVerifier({
      ...options,
      jwksUri: issuer.jwks_uri,
      onRefreshError: (error) =>
        logger.warn("keeping the OAuth issuer's keys held so far", { error: error.message }),
    });
    await verifier.loadKeys();
    const gate = new OAuthGate(verifier, options, logger);
    logger.info("accepting OAuth access tokens", {
      issuer: options.issuer,
      audience: options.audience,
      jwksUri: issuer.jwks_uri,
      metadata: gate.metadataUrl,
    });
    return gate;
  }

  /** The verified caller, or the answer to send: 401 (no or bad token) or 503 (keys unreadable). */
  async authenticate(authorization: string | undefined): Promise<AuthInfo | Response> {
    const token = /^bearer +(\S+) *$/i.exec(authorization ?? "")?.[1];
    if (token === undefined) return this.tokenMissing();
    try {
      return { ...(await this.verifier.verifyAccessToken(token)), resourceMetadataUrl: this.metadataUrl };
    } catch (error) {
      if (error instanceof KeysUnavailableError) {
        this.logger.warn("cannot verify OAuth access tokens", { error: error.message });
        return Response.json(
          {
            error: "temporarily_unavailable",
            error_description: "the server cannot verify tokens right now",
          },
          { status: 503, headers: { "retry-after": String(KEYS_RETRY_AFTER_SECONDS) } },
        );
      }
      const reason = error instanceof OAuthError ? error.message : String(error);
      this.logger.debug("OAuth access token refused", { reason });
      return bearerAuthChallengeResponse(error, { resourceMetadataUrl: this.metadataUrl });
    }
  }

  /** Stops the background refresh of the issuer's keys. */
  close(): void {
    this.verifier.close();
  }

  /** Undefined when the caller's scopes cover every message of the body; else the 403 to send. */
  authorize(caller: AuthInfo, body: unknown): Response | undefined {
    const needed = missingScope(TOOL_SCOPES, body, caller.scopes);
    if (needed === undefined) return undefined;
    const granted = caller.scopes.join(" ") || "none";
    this.logger.debug("OAuth scope missing", {
      needed,
      granted,
      subject: String(caller.extra?.subject ?? caller.clientId),
    });
    return bearerAuthChallengeResponse(
      new OAuthError(
        OAuthErrorCode.InsufficientScope,
        `this request needs the scope ${needed} (the token grants: ${granted})`,
      ),
      { requiredScopes: [needed], resourceMetadataUrl: this.metadataUrl },
    );
  }

  /** No bearer token at all: a challenge without an error code (RFC 6750 §3.1), naming the metadata. */
  private tokenMissing(): Response {
    const message = `Missing bearer token: send an OAuth access token for ${this.metadata.resource} from ${this.metadata.authorization_servers?.join(", ")} (see ${this.metadataUrl})`;
    return Response.json(
      { jsonrpc: "2.0", error: { code: -32001, message }, id: null },
      { status: 401, headers: { "www-authenticate": `Bearer resource_metadata="${this.metadataUrl}"` } },
    );
  }
}
