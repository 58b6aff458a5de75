import type { Agent } from "undici";
import { v4 as uuidv4 } from "uuid";
import { CONTABO_TOKEN_URL } from "../contabo-api-schemas/token.js";
import type { Logger } from "../log.js";
import type { ServerEvents } from "../metrics/events.js";
import { SecretRedactor } from "../safety/secrets.js";
import { parseServiceUrl } from "./base-url.js";
import { completeCredentials, type PasswordGrantCredentials } from "./credentials.js";
import { ContaboConfigError } from "./errors.js";
import { PasswordGrantTokenProvider } from "./password-grant.js";
import { DEFAULT_MAX_IN_FLIGHT, RequestPipeline } from "./request-pipeline.js";
import type { RetryPolicy } from "./retry-policy.js";
import type { SharedLogin } from "./shared-login.js";
import { MissingCredentialsProvider, StaticTokenProvider, type TokenProvider } from "./token-provider.js";
import { type DispatcherSource, undici } from "./undici.js";
import { createHttpUsersApi, type UsersApi } from "./users-api.js";

export const CONTABO_API_URL = "https://api.contabo.com";

export interface ContaboClientConfig {
  apiUrl?: string;
  authUrl?: string;
  /** All four, for the password grant. */
  credentials?: Partial<PasswordGrantCredentials>;
  /** A ready token (CONTABO_ACCESS_TOKEN): used instead of the password grant. */
  accessToken?: string;
  timeouts?: { connectMs?: number; headersMs?: number; bodyMs?: number };
  retry?: RetryPolicy;
  callBudgetMs?: number;
  /** At most this many API requests outstanding at once, across all callers (default 8); the token endpoint is not counted. */
  maxInFlight?: number;
  logger?: Logger;
  /** The clock for token expiry (tests move it). */
  now?: () => number;
  /** Learns every credential, token and secret the client handles, so that logs and errors never show them. */
  redactor?: SecretRedactor;
  /**
   * Shares the login with the other replicas of a fleet (--state-url; see SharedLogin): the fleet
   * logs in once, and a client secret rotated on one replica reaches the others. Password grant only.
   */
  sharedLogin?: SharedLogin;
  /** Told of every answer of the API, for metrics. */
  events?: Pick<ServerEvents, "upstreamResponse">;
}

export interface ContaboClient {
  api: UsersApi;
  tokens: TokenProvider;
  apiUrl: URL;
  traceId: string;
  redactor: SecretRedactor;
  close(): Promise<void>;
}

/** Wires the Contabo client: one keep-alive dispatcher, a token provider, the pipeline and the operations. */
export function createContaboClient(config: ContaboClientConfig): ContaboClient {
  const apiUrl = parseServiceUrl(config.apiUrl ?? CONTABO_API_URL, "CONTABO_API_URL");
  const maxInFlight = checkedMaxInFlight(config.maxInFlight);
  // One keep-alive connection pool for the whole process, made on the first request. The promise
  // is kept, not the agent: two first requests at once must not make two pools.
  let agent: Promise<Agent> | undefined;
  const dispatcher = () => {
    agent ??= undici().then(
      ({ Agent }) =>
        new Agent({
          connectTimeout: config.timeouts?.connectMs ?? 10_000,
          headersTimeout: config.timeouts?.headersMs ?? 30_000,
          bodyTimeout: config.timeouts?.bodyMs ?? 30_000,
          keepAliveTimeout: 30_000,
        }),
    );
    return agent;
  };
  const redactor = config.redactor ?? new SecretRedactor();
  const tokens = tokenProviderFor(config, dispatcher, redactor);
  const traceId = uuidv4();
  const pipeline = new RequestPipeline({
    baseUrl: apiUrl,
    tokens,
    dispatcher,
    traceId,
    retry: config.retry,
    callBudgetMs: config.callBudgetMs,
    maxInFlight,
    logger: config.logger,
    redactor,
    events: config.events,
  });
  return {
    api: createHttpUsersApi(pipeline, tokens),
    tokens,
    apiUrl,
    traceId,
    redactor,
    close: async () => {
      // A pool that never loaded has nothing to close.
      await (await agent?.catch(() => undefined))?.close();
    },
  };
}

function tokenProviderFor(
  config: ContaboClientConfig,
  dispatcher: DispatcherSource,
  redactor: SecretRedactor,
): TokenProvider {
  redactor.remember(config.accessToken, true);
  redactor.remember(config.credentials?.clientSecret, true);
  redactor.remember(config.credentials?.password, true);
  if (config.accessToken) return new StaticTokenProvider(config.accessToken);
  const given = completeCredentials(config.credentials ?? {});
  if (!given.ok) return new MissingCredentialsProvider(given.missing);
  return new PasswordGrantTokenProvider({
    tokenUrl: parseServiceUrl(config.authUrl ?? CONTABO_TOKEN_URL, "CONTABO_AUTH_URL"),
    credentials: given.credentials,
    dispatcher,
    now: config.now,
    redactor,
    logger: config.logger,
    sharedLogin: config.sharedLogin,
  });
}

function checkedMaxInFlight(value: number | undefined): number {
  if (value === undefined) return DEFAULT_MAX_IN_FLIGHT;
  if (Number.isSafeInteger(value) && value >= 1) return value;
  throw new ContaboConfigError(
    `maxInFlight must be a whole number of 1 or more, not ${value}.`,
    `Allow at least 1 request to the Contabo API at a time (the default is ${DEFAULT_MAX_IN_FLIGHT}).`,
  );
}
