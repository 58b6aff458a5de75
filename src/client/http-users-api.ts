import { v4 as uuidv4 } from "uuid";
import type { ClientWiring } from "./index.js";
import { PasswordGrantTokenProvider } from "./password-grant.js";
import { RequestPipeline } from "./request-pipeline.js";
import { MissingCredentialsProvider, StaticTokenProvider, type TokenProvider } from "./token-provider.js";
import type { DispatcherSource } from "./undici.js";
import { createHttpUsersApi, type UsersApi } from "./users-api.js";

/**
 * The client's working half (client/index.ts checks the settings at start): the token provider,
 * the request pipeline and the operations, made on the first API call.
 */
export function httpUsersApi(wiring: ClientWiring, dispatcher: DispatcherSource): UsersApi {
  const { config, apiUrl, maxInFlight, redactor } = wiring;
  // One x-trace-id for every request of this process: what Contabo's support can follow.
  const traceId = uuidv4();
  config.logger?.info("Contabo requests of this process carry one x-trace-id", { traceId });
  const tokens = tokenProviderFor(wiring, dispatcher);
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
  return createHttpUsersApi(pipeline, tokens);
}

function tokenProviderFor(
  { config, login, redactor }: ClientWiring,
  dispatcher: DispatcherSource,
): TokenProvider {
  switch (login.mode) {
    case "static-token":
      return new StaticTokenProvider(login.token);
    case "missing-credentials":
      return new MissingCredentialsProvider(login.missing);
    case "password-grant":
      return new PasswordGrantTokenProvider({
        tokenUrl: login.tokenUrl,
        credentials: login.credentials,
        dispatcher,
        now: config.now,
        redactor,
        logger: config.logger,
        fleetLoginStore: config.fleetLoginStore,
      });
  }
}
