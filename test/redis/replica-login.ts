import { onTestFinished } from "vitest";
import type { PasswordGrantCredentials } from "../../src/client/credentials.js";
import { RedisConnection } from "../../src/redis/redis-connection.js";
import { RedisFleetLoginStore } from "../../src/redis/redis-fleet-login-store.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { createLogger } from "../../src/shared/log.js";
import { SecretRedactor } from "../../src/shared/secrets.js";
import { serverOutput } from "../helpers/logs.js";
import { clientFor } from "../helpers/sandbox.js";
import { until } from "../helpers/until.js";

export const STATE_KEY = "a-state-key-shared-by-every-replica-0123";

export interface ReplicaOptions {
  /** CONTABO_MCP_STATE_KEY; null for none. */
  stateKey?: string | null;
  /** The replica's clock for token expiry. */
  now?: () => number;
  credentials?: PasswordGrantCredentials;
}

/**
 * One replica of our server as far as its Contabo login goes: its own Redis connection, shared
 * login and Contabo client over the sandbox. `lines` are its log lines (also scanned for secrets).
 */
export async function loginReplica(sandbox: Sandbox, redisUrl: string, options: ReplicaOptions = {}) {
  const lines: string[] = [];
  const redactor = new SecretRedactor();
  const logger = createLogger(
    "debug",
    (line) => {
      lines.push(line);
      serverOutput.push(line);
    },
    redactor,
  );
  const connection = new RedisConnection(redisUrl, logger);
  connection.start();
  onTestFinished(() => connection.close());
  await until(() => connection.health().ok);
  const stateKey = options.stateKey === undefined ? STATE_KEY : (options.stateKey ?? undefined);
  const fleetLoginStore = new RedisFleetLoginStore(connection, { stateKey });
  const client = clientFor(sandbox, {
    redactor,
    logger,
    fleetLoginStore,
    now: options.now,
    credentials: options.credentials ?? sandbox.login(),
  });
  const said = (text: string) => lines.filter((line) => line.includes(text)).length;
  return { ...client, connection, lines, said };
}

export type LoginReplica = Awaited<ReturnType<typeof loginReplica>>;

/** The grant types and statuses of the token requests the sandbox received, oldest first. */
export function grants(requests: readonly { body?: unknown; status: number }[]): string[] {
  return requests.map((request) => {
    const body = request.body as { grant_type?: string } | undefined;
    return `${body?.grant_type} ${request.status}`;
  });
}
