import type { Agent } from "undici";
import { CONTABO_TOKEN_URL } from "../contabo-api-schemas/token-url.js";
import type { ServerEvents } from "../metrics/events.js";
import type { Logger } from "../shared/log.js";
import { SecretRedactor } from "../shared/secrets.js";
import { parseServiceUrl } from "./base-url.js";
import { DEFAULT_MAX_IN_FLIGHT } from "./concurrency-limit.js";
import { completeCredentials, type PasswordGrantCredentials } from "./credentials.js";
import { ContaboConfigError } from "./errors.js";
import type { FleetLoginStore } from "./fleet-login-store.js";
import { lazyUsersApi } from "./lazy-users-api.js";
import type { RetryPolicy } from "./retry-policy.js";
import type { TokenProvider } from "./token-provider.js";
import { undici } from "./undici.js";
import type { UsersApi } from "./users-api.js";

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
   * Shares the login with the other replicas of a fleet (--state-url; see FleetLoginStore): the fleet
   * logs in once, and a client secret rotated on one replica reaches the others. Password grant only.
   */
  fleetLoginStore?: FleetLoginStore;
  /** Told of every answer of the API, for metrics. */
  events?: Pick<ServerEvents, "upstreamResponse">;
}

export interface ContaboClient {
  /** The operations. Their pipeline, token provider and response schemas load with the first call. */
  api: UsersApi;
  /** How the client logs in, from its settings. */
  authMode: TokenProvider["mode"];
  apiUrl: URL;
  redactor: SecretRedactor;
  close(): Promise<void>;
}

/** How the client logs in, decided (and checked) from its settings at start. */
export type Login =
  | { mode: "static-token"; token: string }
  | { mode: "missing-credentials"; missing: readonly string[] }
  | { mode: "password-grant"; tokenUrl: URL; credentials: PasswordGrantCredentials };

/** The client's settings, checked: what client/http-users-api.ts wires on the first call. */
export interface ClientWiring {
  config: ContaboClientConfig;
  login: Login;
  apiUrl: URL;
  maxInFlight: number;
  redactor: SecretRedactor;
}

/**
 * The Contabo client: its settings are checked now (a wrong URL or limit stops the start), and its
 * working half (one keep-alive dispatcher, the token provider, the pipeline and the operations) is
 * made on the first API call.
 */
export function createContaboClient(config: ContaboClientConfig): ContaboClient {
  const apiUrl = parseServiceUrl(config.apiUrl ?? CONTABO_API_URL, "CONTABO_API_URL");
  const maxInFlight = checkedMaxInFlight(config.maxInFlight);
  const redactor = config.redactor ?? new SecretRedactor();
  const wiring: ClientWiring = {
    config,
    login: loginFor(config, redactor),
    apiUrl,
    maxInFlight,
    redactor,
  };
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
  return {
    api: lazyUsersApi(async () => (await import("./http-users-api.js")).httpUsersApi(wiring, dispatcher)),
    authMode: wiring.login.mode,
    apiUrl,
    redactor,
    close: async () => {
      // A pool that never loaded has nothing to close.
      await (await agent?.catch(() => undefined))?.close();
    },
  };
}

/** The login the settings give; every credential is known to the redactor from now on. */
function loginFor(config: ContaboClientConfig, redactor: SecretRedactor): Login {
  redactor.remember(config.accessToken, true);
  redactor.remember(config.credentials?.clientSecret, true);
  redactor.remember(config.credentials?.password, true);
  if (config.accessToken) return { mode: "static-token", token: config.accessToken };
  const given = completeCredentials(config.credentials ?? {});
  if (!given.ok) return { mode: "missing-credentials", missing: given.missing };
  return {
    mode: "password-grant",
    tokenUrl: parseServiceUrl(config.authUrl ?? CONTABO_TOKEN_URL, "CONTABO_AUTH_URL"),
    credentials: given.credentials,
  };
}

function checkedMaxInFlight(value: number | undefined): number {
  if (value === undefined) return DEFAULT_MAX_IN_FLIGHT;
  if (Number.isSafeInteger(value) && value >= 1) return value;
  throw new ContaboConfigError(
    `maxInFlight must be a whole number of 1 or more, not ${value}.`,
    `Allow at least 1 request to the Contabo API at a time (the default is ${DEFAULT_MAX_IN_FLIGHT}).`,
  );
}
