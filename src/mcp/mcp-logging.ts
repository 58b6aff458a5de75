import {
  LOG_LEVEL_META_KEY,
  type LoggingLevel,
  type McpServer,
  type ProtocolEra,
  type ServerContext,
} from "@modelcontextprotocol/server";
import type { LogFields, Logger, LogLevel } from "../shared/log.js";
import type { SecretRedactor } from "../shared/secrets.js";
import { SERVER_NAME } from "../version.js";

const SEVERITY: Record<LoggingLevel, number> = {
  debug: 0,
  info: 1,
  notice: 2,
  warning: 3,
  error: 4,
  critical: 5,
  alert: 6,
  emergency: 7,
};
const MCP_LEVEL: Record<LogLevel, LoggingLevel> = {
  debug: "debug",
  info: "info",
  warn: "warning",
  error: "error",
};

/**
 * MCP logging (deprecated in 2026-07-28, still served): log lines go to a client only when it
 * asked for them. A 2026-07-28 request asks with the log level in its `_meta`; a 2025-era client
 * with `logging/setLevel`, for the rest of its connection. Nothing is sent by default.
 */
export class McpLogLevel {
  /** The level a 2025-era client set with `logging/setLevel` on this server instance. */
  private sessionLevel: LoggingLevel | undefined;

  constructor(private readonly era: ProtocolEra) {}

  /** Installs the `logging/setLevel` handler that remembers the level (2025-era connections). */
  install(server: McpServer): void {
    server.server.setRequestHandler("logging/setLevel", async (request) => {
      this.sessionLevel = request.params.level;
      return {};
    });
  }

  /** The level below which nothing is sent to this request's client, or undefined for "send nothing". */
  threshold(ctx: ServerContext): LoggingLevel | undefined {
    if (this.era === "legacy") return this.sessionLevel;
    // The SDK hides the envelope's keys from its types; the level is read as the untrusted value it is.
    const envelope: Record<string, unknown> | undefined = ctx.mcpReq.envelope;
    const asked = envelope?.[LOG_LEVEL_META_KEY];
    return typeof asked === "string" && Object.hasOwn(SEVERITY, asked) ? (asked as LoggingLevel) : undefined;
  }

  /**
   * The logger of one request: every line goes to the process log, and those at or above the
   * client's level also to the client, as notifications on this request's own response stream,
   * redacted like every other output.
   */
  forRequest(ctx: ServerContext, logger: Logger, redactor: SecretRedactor): Logger {
    const threshold = this.threshold(ctx);
    if (threshold === undefined) return logger;
    const forward = (level: LogLevel, message: string, fields?: LogFields) => {
      const mcpLevel = MCP_LEVEL[level];
      if (SEVERITY[mcpLevel] < SEVERITY[threshold]) return;
      // A notification that cannot be delivered (the client went away) must not disturb the call.
      ctx.mcpReq.log(mcpLevel, redactor.value({ message, ...fields }), SERVER_NAME).catch(() => {});
    };
    const both =
      (level: LogLevel) =>
      (message: string, fields?: LogFields): void => {
        logger[level](message, fields);
        forward(level, message, fields);
      };
    return { debug: both("debug"), info: both("info"), warn: both("warn"), error: both("error") };
  }
}
