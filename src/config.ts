import { parseArgs } from "node:util";
import type { ApprovalFlags } from "./approvals/index.js";
import { isLoopbackHost } from "./client/base-url.js";
import { CREDENTIAL_VARIABLES } from "./client/credentials.js";
import type { ContaboClientConfig } from "./client/index.js";
import { type ActionKind, parseFourEyes } from "./safety/approval-policy.js";
import { CONFIRM_MODES, type ConfirmMode } from "./safety/confirmation.js";
import { DEFAULT_INVITATIONS_PER_MINUTE, type SafetyConfig } from "./safety/index.js";
import { DEFAULT_REDIRECT_HOSTS, parseRedirectHosts } from "./safety/redirect-url.js";
import { isLogLevel, type LogLevel } from "./shared/log.js";
import {
  type OAuthSettings,
  OAuthSettingsError,
  readOAuthSettings,
} from "./transports/oauth/oauth-settings.js";

export const USAGE = `Usage:
  contabo-users-mcp [--sandbox] [options]               MCP server over stdio
  contabo-users-mcp --http [--host H] [--port N] [options]   MCP server over Streamable HTTP at /mcp
  contabo-users-mcp sandbox [--port N] [--host HOST]    the Users API simulator alone
  contabo-users-mcp init claude-desktop [--sandbox] [--local] [--config FILE] [--name NAME]
                                                        add this server to Claude Desktop's config
  contabo-users-mcp --help | --version

Options:
  --sandbox          serve the embedded Contabo Users API simulator instead of api.contabo.com
  --log-level LEVEL  debug, info, warn or error (default info; env CONTABO_MCP_LOG_LEVEL); logs go to stderr
  --http             serve Streamable HTTP (stateless) on /mcp instead of stdio; /healthz for load balancers
  --port N           port to listen on (--http default 3000, sandbox default 8080; 0 picks a free one)
  --host HOST        address to listen on (default 127.0.0.1; other hosts need MCP_HTTP_TOKEN or --oauth-issuer)
  --allowed-hosts L  --http: Host header names accepted (default on loopback: localhost,127.0.0.1,[::1])
  --allowed-origins L  --http: browser Origins accepted (default on loopback: loopback origins)
  --oauth-issuer URL --http: accept OAuth access tokens (JWT) of this issuer instead of MCP_HTTP_TOKEN
  --public-url URL   --http with --oauth-issuer: the URL clients reach /mcp at; tokens must name it as audience
  --oauth-audience A --http with --oauth-issuer: the audience tokens must name, if not --public-url
  --seed N           sandbox: seed of the demo data (default fixed, so data is the same on every start)
  --sandbox-users N  sandbox: how many users the demo account has (default 25)
  --confirm MODE     how destructive calls, role grants and secret reveals are confirmed (default auto):
                     auto: the person approves on our page (URL elicitation, or the browser this server
                     opens on stdio, or /approvals in team mode) or in the client's form
                     elicit: only what the client can show (URL or form elicitation); refused otherwise
                     token: a preview and a token the model sends back (the model can confirm itself)
                     off: no confirmation
  --confirm-ttl S    seconds a confirmation stays valid (default 300)
  --approval-ttl S   seconds an approval page stays valid (default 600)
  --approval-wait S  seconds a call waits for the person's decision before it says "call again" (default 45)
  --no-browser       stdio: never open a browser for approvals
  --approval-client-id ID  team mode (--http, --oauth-issuer): approvers sign in at /approvals with this
                     OpenID client (secret in CONTABO_MCP_APPROVAL_CLIENT_SECRET)
  --approver-group G team mode: approvers are members of G (groups claim) instead of holding contabo-users:approve
  --four-eyes LIST   team mode: actions a second person must approve (default: grant-roles,re-enable,
                     delete-user,rotate-client-secret,reveal-secret; "none" for none)
  --approval-webhook URL  team mode: POST each pending approval's link and summary (JSON, no secrets) here
  --read-only        offer only the read-only tools
  --tools LIST       comma-separated tool names or globs to offer (read-only wins)
  --email-limit N    e-mails per recipient per minute (resets, verifications, invitations; default 1; 0 = no limit)
  --invite-limit N   new users (invitation e-mails) per minute (default 10; 0 = no limit)
  --redirect-hosts L hosts, with their subdomains, that a redirectUrl may lead to (default contabo.com)
  --upstream-concurrency N  requests to Contabo in flight at once, process-wide (default 8)
  --rate-limit N     --http: tool calls per caller per minute (default 0: no limit); over it, 429 and Retry-After
  --state-url URL    redis://HOST:PORT/DB (Redis or Valkey): state shared by replicas (used confirmations,
                     e-mail and invitation limits); this process's memory when not given
  --audit-log FILE   also append the audit lines to FILE (created with mode 0600)

Environment (real API): CONTABO_CLIENT_ID, CONTABO_CLIENT_SECRET, CONTABO_API_USER, CONTABO_API_PASSWORD
  (or CONTABO_ACCESS_TOKEN), CONTABO_API_URL, CONTABO_AUTH_URL; CONTABO_MCP_CONFIRM_KEY (shared confirmation key);
  MCP_HTTP_TOKEN (bearer token HTTP clients must send; not with --oauth-issuer); CONTABO_MCP_SANDBOX,
  CONTABO_MCP_READ_ONLY (true/false) and CONTABO_MCP_CONFIRM (a mode) stand for --sandbox, --read-only and --confirm.`;

export type Command =
  | { kind: "help" }
  | { kind: "version" }
  | {
      kind: "serve";
      sandbox: boolean;
      /** With --sandbox: the CONTABO_* settings of the real API that are set, and ignored. */
      ignoredVariables: string[];
      seed?: number;
      sandboxUsers?: number;
      logLevel: LogLevel;
      client: ContaboClientConfig;
      safety: Omit<SafetyConfig, "auditSink" | "redactor" | "now" | "store">;
      redirectHosts: string[];
      /** --state-url: Redis or Valkey shared by the replicas. */
      stateUrl?: string;
      /** CONTABO_MCP_STATE_KEY: seals the rotated client secret (and the token) in the shared store. */
      stateKey?: string;
      /** Present with --http. */
      http?: HttpConfig;
      approvals: ApprovalFlags;
    }
  | { kind: "sandbox"; port: number; host: string; seed?: number; sandboxUsers?: number; logLevel: LogLevel }
  | { kind: "init-claude-desktop"; sandbox: boolean; local: boolean; configPath?: string; name: string };

export interface HttpConfig {
  host: string;
  port: number;
  /** --rate-limit: tool calls per caller per minute; 0 = no limit. */
  rateLimitPerMinute: number;
  token?: string;
  allowedHosts?: string[];
  allowedOrigins?: string[];
  /** --oauth-issuer and --public-url: callers bring OAuth access tokens (excludes `token`). */
  oauth?: OAuthSettings;
}

export class UsageError extends Error {}

/** Reads the command line and the environment into one validated command. */
export function readCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Command {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError(parseArgsMessage(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: "help" };
  if (values.version) return { kind: "version" };
  const logLevel = readLogLevel(values["log-level"] ?? envValue(env, "CONTABO_MCP_LOG_LEVEL") ?? "info");
  const seed = values.seed === undefined ? undefined : readInteger("--seed", values.seed, 0, 2 ** 32 - 1);
  const sandboxUsers =
    values["sandbox-users"] === undefined
      ? undefined
      : readInteger("--sandbox-users", values["sandbox-users"], 1, 100_000);
  const [subcommand, ...rest] = positionals;
  if (subcommand === "init") {
    if (rest[0] !== "claude-desktop" || rest.length > 1) {
      throw new UsageError(
        `init takes one target: claude-desktop${rest[0] ? ` (not ${rest.join(" ")})` : ""}`,
      );
    }
    return {
      kind: "init-claude-desktop",
      sandbox: values.sandbox ?? false,
      local: values.local ?? false,
      configPath: values.config,
      name: values.name ?? "contabo-users",
    };
  }
  if (rest.length > 0) throw new UsageError(`unexpected argument: ${rest[0]}`);
  if (subcommand === "sandbox") {
    return {
      kind: "sandbox",
      port: readInteger("--port", values.port ?? "8080", 0, 65_535),
      host: values.host ?? "127.0.0.1",
      seed,
      sandboxUsers,
      logLevel,
    };
  }
  if (subcommand !== undefined) throw new UsageError(`unknown command: ${subcommand}`);
  const http = values.http ? httpConfig(values, env) : undefined;
  if (
    !values.http &&
    (values.port ?? values.host ?? values["allowed-hosts"] ?? values["allowed-origins"]) !== undefined
  ) {
    throw new UsageError(
      "--port, --host, --allowed-hosts and --allowed-origins go with --http (or the sandbox command)",
    );
  }
  if (
    !values.http &&
    (values["oauth-issuer"] ?? values["public-url"] ?? values["oauth-audience"]) !== undefined
  ) {
    throw new UsageError("--oauth-issuer, --public-url and --oauth-audience go with --http");
  }
  if (!values.http && values["rate-limit"] !== undefined) {
    throw new UsageError("--rate-limit goes with --http (a stdio server has one caller)");
  }
  const confirmMode = readConfirmMode(values.confirm ?? envValue(env, "CONTABO_MCP_CONFIRM") ?? "auto");
  const sandbox = values.sandbox ?? readBoolean("CONTABO_MCP_SANDBOX", env);
  return {
    kind: "serve",
    sandbox,
    ignoredVariables: sandbox ? REAL_API_VARIABLES.filter((name) => envValue(env, name) !== undefined) : [],
    seed,
    sandboxUsers,
    logLevel,
    client: {
      ...clientConfigFromEnv(env),
      maxInFlight: readInteger("--upstream-concurrency", values["upstream-concurrency"] ?? "8", 1, 256),
    },
    redirectHosts: readRedirectHosts(values["redirect-hosts"]),
    stateUrl: readStateUrl(values["state-url"] ?? envValue(env, "CONTABO_MCP_STATE_URL")),
    stateKey: envValue(env, "CONTABO_MCP_STATE_KEY"),
    safety: {
      confirmMode,
      confirmKey: envValue(env, "CONTABO_MCP_CONFIRM_KEY"),
      confirmTtlMs: readInteger("--confirm-ttl", values["confirm-ttl"] ?? "300", 1, 86_400) * 1000,
      readOnly: values["read-only"] ?? readBoolean("CONTABO_MCP_READ_ONLY", env),
      allowTools: list(values.tools),
      emailsPerUserPerMinute: readInteger("--email-limit", values["email-limit"] ?? "1", 0, 1000),
      invitationsPerMinute: readInteger(
        "--invite-limit",
        values["invite-limit"] ?? String(DEFAULT_INVITATIONS_PER_MINUTE),
        0,
        1000,
      ),
      auditFile: values["audit-log"],
    },
    http,
    approvals: readApprovalFlags(values, env, http),
  };
}

function readApprovalFlags(
  values: ReturnType<typeof parse>["values"],
  env: NodeJS.ProcessEnv,
  http: HttpConfig | undefined,
): ApprovalFlags {
  const team = values["approval-client-id"];
  if (team !== undefined && !http?.oauth) {
    throw new UsageError("--approval-client-id goes with --http and --oauth-issuer (team mode)");
  }
  if (team === undefined) {
    for (const flag of ["approver-group", "approval-webhook", "four-eyes"] as const) {
      if (values[flag] !== undefined)
        throw new UsageError(`--${flag} goes with --approval-client-id (team mode)`);
    }
  }
  const webhook = values["approval-webhook"];
  if (webhook !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(webhook);
    } catch {
      url = undefined;
    }
    if (!url || !(url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname)))) {
      throw new UsageError(
        `--approval-webhook must be an https URL (http only on loopback): ${JSON.stringify(webhook)}`,
      );
    }
  }
  let fourEyes: readonly ActionKind[];
  try {
    fourEyes = parseFourEyes(values["four-eyes"]);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  return {
    ttlMs: readInteger("--approval-ttl", values["approval-ttl"] ?? "600", 1, 86_400) * 1000,
    waitMs: readInteger("--approval-wait", values["approval-wait"] ?? "45", 0, 3_600) * 1000,
    fourEyes,
    browser: !(values["no-browser"] ?? false),
    ...(team === undefined
      ? {}
      : {
          signIn: {
            clientId: team,
            clientSecret: envValue(env, "CONTABO_MCP_APPROVAL_CLIENT_SECRET"),
            approverGroup: values["approver-group"],
          },
        }),
    webhook,
  };
}

function httpConfig(values: ReturnType<typeof parse>["values"], env: NodeJS.ProcessEnv): HttpConfig {
  const token = envValue(env, "MCP_HTTP_TOKEN");
  return {
    host: values.host ?? "127.0.0.1",
    port: readInteger("--port", values.port ?? "3000", 0, 65_535),
    rateLimitPerMinute: readInteger("--rate-limit", values["rate-limit"] ?? "0", 0, 1_000_000),
    token,
    allowedHosts: list(values["allowed-hosts"]),
    allowedOrigins: list(values["allowed-origins"]),
    oauth: readOAuthFlags(values, token),
  };
}

function readOAuthFlags(values: ReturnType<typeof parse>["values"], token: string | undefined) {
  const flags = {
    issuer: values["oauth-issuer"],
    publicUrl: values["public-url"],
    audience: values["oauth-audience"],
  };
  try {
    return readOAuthSettings(flags, token);
  } catch (error) {
    throw error instanceof OAuthSettingsError ? new UsageError(error.message) : error;
  }
}

function list(value: string | undefined): string[] | undefined {
  return value
    ?.split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "v" },
      sandbox: { type: "boolean" },
      "log-level": { type: "string" },
      port: { type: "string" },
      host: { type: "string" },
      seed: { type: "string" },
      "sandbox-users": { type: "string" },
      confirm: { type: "string" },
      "confirm-ttl": { type: "string" },
      "approval-ttl": { type: "string" },
      "approval-wait": { type: "string" },
      "no-browser": { type: "boolean" },
      "approval-client-id": { type: "string" },
      "approver-group": { type: "string" },
      "four-eyes": { type: "string" },
      "approval-webhook": { type: "string" },
      "read-only": { type: "boolean" },
      tools: { type: "string" },
      "email-limit": { type: "string" },
      "invite-limit": { type: "string" },
      "redirect-hosts": { type: "string" },
      "upstream-concurrency": { type: "string" },
      "state-url": { type: "string" },
      "rate-limit": { type: "string" },
      "audit-log": { type: "string" },
      http: { type: "boolean" },
      "allowed-hosts": { type: "string" },
      "allowed-origins": { type: "string" },
      "oauth-issuer": { type: "string" },
      "public-url": { type: "string" },
      "oauth-audience": { type: "string" },
      local: { type: "boolean" },
      config: { type: "string" },
      name: { type: "string" },
    },
  });
}

/** The variables that point the server at the real API, and that --sandbox ignores. */
export const REAL_API_VARIABLES: readonly string[] = [
  ...Object.values(CREDENTIAL_VARIABLES),
  "CONTABO_ACCESS_TOKEN",
  "CONTABO_API_URL",
  "CONTABO_AUTH_URL",
];

/** parseArgs' errors, short: the option and what is wrong with it. */
function parseArgsMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const option = /'(-[^' ]*)/.exec(error.message)?.[1];
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && option) return `unknown option ${option}`;
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && option)
    return /argument missing|ambiguous/.test(error.message)
      ? `${option} needs a value`
      : `${option} takes no value`;
  return error.message;
}

/** The CONTABO_* variables. Empty values count as unset. */
export function clientConfigFromEnv(env: NodeJS.ProcessEnv): ContaboClientConfig {
  const read = (name: string) => envValue(env, name);
  return {
    apiUrl: read("CONTABO_API_URL"),
    authUrl: read("CONTABO_AUTH_URL"),
    accessToken: read("CONTABO_ACCESS_TOKEN"),
    credentials: Object.fromEntries(
      Object.entries(CREDENTIAL_VARIABLES).map(([field, variable]) => [field, read(variable)]),
    ),
  };
}

/**
 * One environment variable: trimmed, and unset when empty or when it is an MCP Bundle placeholder
 * that Claude Desktop passes through literally for a setting left blank (`${user_config.client_id}`).
 */
export function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  if (!value || /^\$\{user_config\.[A-Za-z0-9_]+\}$/.test(value)) return undefined;
  return value;
}

/** Boolean settings from the environment (the MCP Bundle passes its settings that way): true, false or unset. */
function readBoolean(variable: string, env: NodeJS.ProcessEnv): boolean {
  const value = envValue(env, variable)?.toLowerCase();
  if (value === undefined || value === "" || value === "false" || value === "0") return false;
  if (value === "true" || value === "1") return true;
  throw new UsageError(`${variable} must be true or false, not ${JSON.stringify(env[variable])}`);
}

function readConfirmMode(value: string): ConfirmMode {
  const mode = CONFIRM_MODES.find((candidate) => candidate === value);
  if (!mode)
    throw new UsageError(
      `--confirm must be one of ${CONFIRM_MODES.join(", ")}, not ${JSON.stringify(value)}`,
    );
  return mode;
}

function readStateUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(
      `--state-url must be a URL such as redis://127.0.0.1:6379/0, not ${JSON.stringify(value)}`,
    );
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    throw new UsageError(
      `--state-url must be a redis:// or rediss:// URL (Redis or Valkey), not ${url.protocol}//…`,
    );
  }
  return value;
}

function readRedirectHosts(value: string | undefined): string[] {
  if (value === undefined) return [...DEFAULT_REDIRECT_HOSTS];
  try {
    return parseRedirectHosts(value);
  } catch (error) {
    throw new UsageError(`--redirect-hosts: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function readLogLevel(value: string): LogLevel {
  if (!isLogLevel(value))
    throw new UsageError(`log level must be debug, info, warn or error, not ${JSON.stringify(value)}`);
  return value;
}

function readInteger(flag: string, value: string, min: number, max: number): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) {
    throw new UsageError(
      `${flag} must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`,
    );
  }
  return number;
}
