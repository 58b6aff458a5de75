import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { type LoggingLevel, SetLevelRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import type { LogFields, Logger, LogLevel } from "./log.js";
import type { SecretRedactor } from "./safety/secrets.js";
import { SERVER_NAME } from "./version.js";

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
 * MCP logging: the server declares the capability, keeps the level a client sets with
 * `logging/setLevel` (info until one does), and sends each of its log lines at or above it as a
 * `notifications/message`, redacted like every other output. Returns the logger that does both.
 */
export function withMcpLogging(server: McpServer, logger: Logger, redactor: SecretRedactor): Logger {
  let threshold: LoggingLevel = "info";
  server.server.setRequestHandler(SetLevelRequestSchema, async (request) => {
    threshold = request.params.level;
    return {};
  });
  const forward = (level: LogLevel, message: string, fields?: LogFields) => {
    const mcpLevel = MCP_LEVEL[level];
    if (SEVERITY[mcpLevel] < SEVERITY[threshold] || !server.isConnected()) return;
    // A notification that cannot be delivered (the client went away) must not disturb the call.
    server.server
      .sendLoggingMessage({
        level: mcpLevel,
        logger: SERVER_NAME,
        data: redactor.value({ message, ...fields }),
      })
      .catch(() => {});
  };
  const both =
    (level: LogLevel) =>
    (message: string, fields?: LogFields): void => {
      logger[level](message, fields);
      forward(level, message, fields);
    };
  return { debug: both("debug"), info: both("info"), warn: both("warn"), error: both("error") };
}
