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

  export interface Interaction {
    uid: string;
    params: Record<string, unknown>;
  }

  export interface Account {
    accountId: string;
    claims(): Record<string, unknown>;
  }

  export interface Configuration {
    clients?: Array<Record<string, unknown>>;
    scopes?: string[];
    claims?: Record<string, string[]>;
    findAccount?: (ctx: unknown, sub: string) => Account | Promise<Account>;
    interactions?: { url: (ctx: unknown, interaction: Interaction) => string };
    pkce?: { required: () => boolean };
    jwks?: { keys: Array<Record<string, unknown>> };
    ttl?: { ClientCredentials?: number };
    features?: {
      devInteractions?: { enabled: boolean };
      clientCredentials?: { enabled: boolean };
      resourceIndicators?: {
        enabled: boolean;
        defaultResource?: (
          ctx: unknown,
          client: ProviderClient | undefined,
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
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    Grant: new (properties: {
      accountId: string;
      clientId: string;
    }) => {
      addOIDCScope(scope: string): void;
      rejectOIDCScope(scope: string): void;
      addOIDCClaims(claims: string[]): void;
      save(): Promise<string>;
    };
  }

  export const errors: { InvalidTarget: new (description?: string) => Error };
}
