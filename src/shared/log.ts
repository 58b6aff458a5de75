import type { SecretRedactor } from "./secrets.js";

/**
 * The process logger. stdout belongs to the stdio transport, so every line goes to stderr.
 * Lines are JSON so that they can be collected and scanned; callers pass fields, never secrets.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, string | number | boolean | undefined | null>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export type LogSink = (line: string) => void;

const stderrSink: LogSink = (line) => {
  process.stderr.write(`${line}\n`);
};

/** Every line passes `redactor` (when given) on its way out: no secret reaches the log. */
export function createLogger(
  level: LogLevel = "info",
  sink: LogSink = stderrSink,
  redactor?: SecretRedactor,
): Logger {
  const emit = (lineLevel: LogLevel, message: string, fields?: LogFields) => {
    if (ORDER[lineLevel] < ORDER[level]) return;
    const record = { time: new Date().toISOString(), level: lineLevel, message, ...fields };
    sink(JSON.stringify(redactor ? redactor.value(record) : record));
  };
  return {
    debug: (message, fields) => emit("debug", message, fields),
    info: (message, fields) => emit("info", message, fields),
    warn: (message, fields) => emit("warn", message, fields),
    error: (message, fields) => emit("error", message, fields),
  };
}

export const silentLogger: Logger = createLogger("error", () => {});

export function isLogLevel(value: string): value is LogLevel {
  return Object.hasOwn(ORDER, value);
}

/**
 * Whether the command line or the environment asks for debug logs, read before the command line is
 * parsed (the entry decides from it whether stacks are mapped to the sources). A wrong command line
 * counts as not asking.
 */
export function debugRequested(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  let level = env.CONTABO_MCP_LOG_LEVEL?.trim();
  for (const [index, arg] of argv.entries()) {
    if (arg === "--") break;
    if (arg === "--log-level") level = argv[index + 1];
    else if (arg.startsWith("--log-level=")) level = arg.slice("--log-level=".length);
  }
  return level === "debug";
}
