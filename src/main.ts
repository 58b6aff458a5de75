import { readFileSync } from "node:fs";
import type { ProtocolEra } from "@modelcontextprotocol/server";
import { approvalPages } from "./approvals/index.js";
import { type CredentialNaming, withCntbFallback } from "./client/cntb-config.js";
import { nameErrorsOf, namingErrors } from "./client/credential-naming.js";
import { ContaboError } from "./client/errors.js";
import { type ContaboClientConfig, createContaboClient } from "./client/index.js";
import { type Command, readCommand, USAGE, UsageError } from "./config.js";
import { createMcpServer } from "./mcp/server.js";
import { createSafety } from "./safety/index.js";
import { MemorySafetyStore } from "./safety/safety-store.js";
import { createLogger, debugRequested, type Logger } from "./shared/log.js";
import { SecretRedactor } from "./shared/secrets.js";
import { TOOLS } from "./tools/registry.js";
import { prepareToolListing } from "./tools/tool-listing.js";
import { VERSION } from "./version.js";

type Cleanup = () => Promise<void>;

/**
 * A failure at start that the person can fix: printed as one line, without a stack, exit code 1.
 * (A wrong command line is a UsageError: exit code 2.)
 */
export class StartupError extends Error {}

/** Runs the command line of this process; `entry` is the path of the cli.js that was started. */
export async function main(entry: string): Promise<void> {
  try {
    await run(entry);
  } catch (error) {
    const { text, code } = describeFailure(error, debugRequested(process.argv.slice(2), process.env));
    process.stderr.write(text);
    process.exit(code);
  }
}

async function run(entry: string): Promise<void> {
  const command = readCommand(process.argv.slice(2), process.env);
  switch (command.kind) {
    case "help":
      process.stdout.write(`${USAGE}\n`);
      return;
    case "version":
      process.stdout.write(`${VERSION}\n`);
      return;
    case "sandbox":
      return runSandbox(command);
    case "serve":
      return runServer(command);
    case "init-claude-desktop":
      return runInit(command, entry);
  }
}

async function runInit(
  command: Extract<Command, { kind: "init-claude-desktop" }>,
  entry: string,
): Promise<void> {
  const [{ claudeDesktopConfigPath, installIntoClaudeDesktop }, { launchFor }] = await Promise.all([
    import("./init/claude-desktop.js"),
    import("./init/install-source.js"),
  ]);
  const configPath = command.configPath ?? claudeDesktopConfigPath();
  let result: ReturnType<typeof installIntoClaudeDesktop>;
  try {
    result = installIntoClaudeDesktop({
      configPath,
      name: command.name,
      sandbox: command.sandbox,
      // A clone runs by its absolute paths (npx cannot find it); a registry install by npx.
      local: launchFor(entry, process.execPath, { forceLocal: command.local }),
      env: process.env,
    });
  } catch (error) {
    // Its errors name the file and what is wrong with it: one line, with the line and column of a JSON error.
    throw new StartupError(
      withJsonLineAndColumn(error instanceof Error ? error.message : String(error), configPath),
    );
  }
  process.stderr.write(
    [
      `${result.action === "added" ? "Added" : "Updated"} "${command.name}" in ${result.path}.`,
      result.backup ? `The previous file is kept as ${result.backup}.` : "",
      command.sandbox
        ? "It serves the built-in sandbox: no account needed."
        : result.variables.length > 0
          ? `Copied from this shell: ${result.variables.join(", ")}.`
          : "No CONTABO_* variables were set in this shell: add your credentials under env in that file (see the README).",
      "Restart Claude Desktop to load it.",
      "",
    ]
      .filter((line, index, lines) => line !== "" || index === lines.length - 1)
      .join("\n"),
  );
}

async function runServer(command: Extract<Command, { kind: "serve" }>): Promise<void> {
  const cleanups: Cleanup[] = [];
  try {
    await serve(command, cleanups);
  } catch (error) {
    // What already started (the sandbox, the state store) is closed before the process says why it stops.
    for (const cleanup of cleanups) await cleanup().catch(() => {});
    throw error;
  }
}

async function serve(command: Extract<Command, { kind: "serve" }>, cleanups: Cleanup[]): Promise<void> {
  const redactor = new SecretRedactor();
  const logger = createLogger(command.logLevel, undefined, redactor);
  let clientConfig: ContaboClientConfig = { logger, redactor };
  let naming: CredentialNaming | undefined;
  if (!command.sandbox) {
    const { config, source, naming: fromFile } = withCntbFallback(command.client);
    clientConfig = { ...config, logger, redactor };
    naming = fromFile;
    logger.info("Contabo settings read", { source });
  } else {
    // Loaded only when asked for: a plain start does not pay for the simulator.
    if (command.ignoredVariables.length > 0) {
      logger.warn(
        "--sandbox: the Contabo settings in the environment are ignored; the sandbox has its own URL and login",
        { ignored: command.ignoredVariables.join(",") },
      );
    }
    const { startSandbox } = await import("./sandbox/index.js");
    const sandbox = await startSandbox({ seed: command.seed, userCount: command.sandboxUsers });
    cleanups.push(() => sandbox.close());
    clientConfig = {
      apiUrl: sandbox.apiUrl,
      authUrl: sandbox.tokenUrl,
      credentials: sandbox.login(),
      maxInFlight: command.client.maxInFlight,
      logger,
      redactor,
    };
    logger.info("sandbox mode: serving the embedded Contabo Users API simulator", { apiUrl: sandbox.apiUrl });
  }
  // Fleet-wide state (--state-url): made before the client, which shares the upstream login through it.
  const shared =
    command.stateUrl === undefined
      ? undefined
      : await sharedState(command.stateUrl, command.stateKey, logger, cleanups);
  // Metrics only over HTTP (/metrics): a stdio server loads no metrics library.
  const metrics = command.http
    ? (await import("./metrics/prometheus.js")).createPrometheusMetrics(
        shared ? () => shared.connection.health().ok : undefined,
      )
    : undefined;
  const client = nameErrorsOf(naming, () =>
    createContaboClient({
      ...clientConfig,
      fleetLoginStore: shared?.fleetLoginStore,
      events: metrics?.events,
    }),
  );
  cleanups.unshift(() => client.close());
  if (client.authMode === "missing-credentials") {
    logger.warn(
      "no Contabo credentials: tools are listed, and every call explains what to set (or start with --sandbox)",
    );
  }
  const store = shared?.store ?? new MemorySafetyStore();
  // The approval pages' origin over HTTP: --public-url's, else where the server listens (known once it does).
  let httpOrigin = command.http?.oauth ? new URL(command.http.oauth.resource).origin : undefined;
  const pages = approvalPages({
    flags: command.approvals,
    http: command.http
      ? { origin: () => httpOrigin ?? "http://127.0.0.1", issuer: command.http.oauth?.issuer }
      : undefined,
    redactor,
    logger,
  });
  cleanups.push(() => pages.close());
  const safety = usageErrorOnThrow(() =>
    createSafety(
      {
        ...command.safety,
        approvals: pages.config,
        store,
        events: metrics?.events,
        redactor,
        auditSink: (line) => process.stderr.write(line),
      },
      TOOLS,
    ),
  );
  cleanups.push(async () => safety.audit.close());
  const approvalRoutes = await pages.connect(safety);
  // The bundle carries the listing; otherwise (an unbundled start, --confirm token) it is made now.
  await prepareToolListing(TOOLS, { withTokens: safety.gate.mode === "token" });
  const status = {
    apiUrl: client.apiUrl.origin,
    auth: client.authMode,
    confirm: safety.gate.mode,
    tools: [...safety.selection.enabled].join(","),
  };
  if (safety.gate.mode === "token") {
    logger.warn(
      "--confirm token: the model itself can complete confirmations (it gets the token it must send back); choose it only for automation you trust, not to protect against a misled model",
    );
  } else if (safety.gate.mode === "off") {
    logger.warn("--confirm off: destructive calls, role grants and secret reveals run without asking anyone");
  }
  const about = { apiUrl: client.apiUrl.origin, sandbox: command.sandbox, authMode: client.authMode };
  const anonymousCaller = command.http ? "http:anonymous" : "stdio";
  const { redirectHosts } = command;
  // Settings from ~/.cntb.yaml: errors name its keys and the file, not the CONTABO_* variables.
  const api = naming ? namingErrors(client.api, naming) : client.api;
  const newServer = (era: ProtocolEra, calledTool?: string) =>
    createMcpServer({ api, logger, safety, about, era, anonymousCaller, redirectHosts, calledTool });
  const onerror = (error: Error) => logger.warn("MCP protocol error", { error: error.message });

  if (command.http) {
    // Loaded only with --http: a stdio start does not pay for it.
    const { startHttpServer, HttpConfigError } = await import("./transports/http.js");
    const config = command.http;
    const { CallerRateLimit } = await import("./safety/caller-rate-limit.js");
    const rateLimit =
      config.rateLimitPerMinute > 0
        ? new CallerRateLimit(
            store,
            config.rateLimitPerMinute,
            (reason) => logger.warn("rate limit not applied", { reason }),
            metrics?.events,
          )
        : undefined;
    const health = shared ? () => shared.connection.health() : undefined;
    const http = await startHttpServer({
      ...config,
      newServer,
      logger,
      health,
      metrics,
      rateLimit,
      pages: approvalRoutes,
    }).catch((error: unknown) => {
      throw error instanceof HttpConfigError ? new UsageError(error.message) : error;
    });
    httpOrigin ??= approvalOrigin(http.url);
    cleanups.unshift(() => http.close(HTTP_GRACE_MS));
    onShutdownSignal(logger, cleanups, HTTP_GRACE_MS + 2_000);
    logger.info("serving MCP over Streamable HTTP", {
      url: http.url,
      clientAuth: config.oauth ? "oauth" : config.token ? "bearer" : "none",
      ...status,
    });
    return;
  }

  onShutdownSignal(logger, cleanups);
  const { serveStdio } = await import("./transports/stdio.js");
  logger.info("serving MCP over stdio", status);
  if (process.stdin.isTTY) process.stderr.write(`${TTY_HINT}\n`);
  await serveStdio(({ era }) => newServer(era), onerror);
  await shutdown(logger, cleanups, "client disconnected");
}

async function runSandbox(command: Extract<Command, { kind: "sandbox" }>): Promise<void> {
  const logger = createLogger(command.logLevel);
  const { startSandbox } = await import("./sandbox/index.js");
  const sandbox = await startSandbox({
    port: command.port,
    host: command.host,
    seed: command.seed,
    userCount: command.sandboxUsers,
  });
  const login = sandbox.login();
  process.stderr.write(
    [
      `Contabo Users API sandbox listening on ${sandbox.apiUrl}`,
      "Point a client at it with:",
      `  CONTABO_API_URL=${sandbox.apiUrl}`,
      `  CONTABO_AUTH_URL=${sandbox.tokenUrl}`,
      `  CONTABO_CLIENT_ID=${login.clientId}`,
      `  CONTABO_CLIENT_SECRET=${login.clientSecret}`,
      `  CONTABO_API_USER=${login.username}`,
      `  CONTABO_API_PASSWORD=${login.password}`,
      "",
    ].join("\n"),
  );
  onShutdownSignal(logger, [() => sandbox.close()]);
}

/**
 * --state-url: one connection to Redis or Valkey, loaded only when asked for, for the safety
 * layer's state (used confirmations, limits) and the upstream login shared by the fleet.
 */
async function sharedState(url: string, stateKey: string | undefined, logger: Logger, cleanups: Cleanup[]) {
  const [{ RedisConnection, redactedUrl }, { RedisSafetyStore }, { RedisFleetLoginStore }] =
    await Promise.all([
      import("./redis/redis-connection.js"),
      import("./redis/redis-safety-store.js"),
      import("./redis/redis-fleet-login-store.js"),
    ]);
  const connection = new RedisConnection(url, logger);
  connection.start();
  cleanups.push(() => connection.close());
  logger.info("shared state store", { store: redactedUrl(url) });
  if (stateKey === undefined) {
    logger.warn(
      "CONTABO_MCP_STATE_KEY is not set: replicas share the Contabo access token but not a rotated client secret; after generate_client_secret, restart the other replicas with the new CONTABO_CLIENT_SECRET",
    );
  }
  return {
    connection,
    store: new RedisSafetyStore(connection),
    fleetLoginStore: usageErrorOnThrow(() => new RedisFleetLoginStore(connection, { stateKey })),
  };
}

function usageErrorOnThrow<T>(make: () => T): T {
  try {
    return make();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Where a browser reaches the approval pages of an --http server without --public-url: its
 * listening address, loopback for an unspecified one (0.0.0.0, ::), where no browser could go.
 */
function approvalOrigin(listening: string): string {
  const url = new URL(listening);
  if (url.hostname === "0.0.0.0") url.hostname = "127.0.0.1";
  if (url.hostname === "[::]") url.hostname = "[::1]";
  return url.origin;
}

/** In-flight HTTP requests get this long to finish after SIGTERM. */
const HTTP_GRACE_MS = 10_000;

function onShutdownSignal(logger: Logger, cleanups: Cleanup[], hardLimitMs?: number): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void shutdown(logger, cleanups, signal, hardLimitMs));
  }
}

let shuttingDown = false;
async function shutdown(
  logger: Logger,
  cleanups: Cleanup[],
  reason: string,
  hardLimitMs = 3_000,
): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info("shutting down", { reason });
  // Whatever hangs, the process leaves in the end.
  setTimeout(() => process.exit(0), hardLimitMs).unref();
  for (const cleanup of cleanups) {
    await cleanup().catch((error: unknown) => logger.warn("cleanup failed", { error: String(error) }));
  }
  process.exit(0);
}

/** Printed when a person starts the stdio server in a terminal, where it seems to hang. */
export const TTY_HINT =
  "contabo-users-mcp: waiting for an MCP client on stdin (JSON-RPC, not typed commands). To try it, run `npm run demo` in a clone, or add it to a client with `contabo-users-mcp init claude-desktop`. Ctrl+C quits.";

/**
 * What a failed start prints, and its exit code: one line that says what to do. A stack only for an
 * unexpected error, and only with --log-level debug.
 */
export function describeFailure(error: unknown, debug: boolean): { text: string; code: number } {
  const line = (text: string) => `contabo-users-mcp: ${text.replace(/\s*\n\s*/g, " ")}\n`;
  if (error instanceof UsageError) return { text: line(`${error.message} (see --help)`), code: 2 };
  if (error instanceof StartupError) return { text: line(error.message), code: 1 };
  if (error instanceof ContaboError) return { text: line(`${error.message} ${error.hint}`), code: 1 };
  const listen = listenFailure(error);
  if (listen) return { text: line(listen), code: 1 };
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (debug && error instanceof Error && error.stack)
    return { text: `contabo-users-mcp: ${error.stack}\n`, code: 1 };
  return { text: line(`${message} (run with --log-level debug for the stack)`), code: 1 };
}

/** A server that could not listen (--http, the sandbox command): what to change. */
function listenFailure(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, syscall, port, address } = error as NodeJS.ErrnoException & {
    port?: number;
    address?: string;
  };
  if (syscall !== "listen") return undefined;
  switch (code) {
    case "EADDRINUSE":
      return `port ${port} is in use: choose another with --port N (0 picks a free one)`;
    case "EACCES":
      return `not allowed to listen on port ${port}: choose a port above 1023 with --port N`;
    case "EADDRNOTAVAIL":
      return `${address} is not an address of this machine: choose another with --host H`;
    default:
      return `cannot listen on ${address}:${port} (${code}): check --host and --port`;
  }
}

/** Adds "line L, column C" to a JSON error that gives only a position in `file`. */
export function withJsonLineAndColumn(message: string, file: string, read = readTextFile): string {
  const position = /at position (\d+)/.exec(message)?.[1];
  if (position === undefined) return message;
  const text = read(file);
  if (text === undefined) return message;
  const before = text.slice(0, Number(position)).split("\n");
  const column = (before.at(-1)?.length ?? 0) + 1;
  return message.replace(/at position \d+/, `at line ${before.length}, column ${column}`);
}

function readTextFile(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}
