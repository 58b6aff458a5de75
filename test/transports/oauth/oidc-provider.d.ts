/** The part of oidc-provider (which ships no types) the OAuth tests use. */
declare module "oidc-provider" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  export interface ResourceServerInfo {
    scope: string;
    audience?: string;
    accessTokenFormat?: "jwt" | "opaque";
    accessTokenTTL?: number;
    jwt?: { sign?: { alg?: string; kid?: string } };
  }

  export interface ProviderClient {
    clientId: string;
  }

  export interface Configuration {
    clients?: Array<Record<string, unknown>>;
    jwks?: { keys: Array<Record<string, unknown>> };
    ttl?: { ClientCredentials?: number };
    features?: {
      devInteractions?: { enabled: boolean };
      clientCredentials?: { enabled: boolean };
      resourceIndicators?: {
        enabled: boolean;
        defaultResource?: (
          ctx: unknown,
          client: ProviderClient,
          oneOf?: string[],
        ) => string | string[] | undefined;
        useGrantedResource?: () => boolean;
        getResourceServerInfo?: (
          ctx: unknown,
          resourceIndicator: string,
          client: ProviderClient,
        ) => ResourceServerInfo | Promise<ResourceServerInfo>;
      };
    };
  }

  export default class Provider {
    constructor(issuer: string, configuration?: Configuration);
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  export const errors: { InvalidTarget: new (description?: string) => Error };
}
