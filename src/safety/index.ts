import type { ToolDefinition } from "../tools/define-tool.js";
import { AuditLog, type AuditSink } from "./audit.js";
import { ConfirmationGate, type ConfirmMode } from "./confirmation.js";
import { ConfirmationTokens } from "./confirmation-token.js";
import { EmailRateLimiter } from "./email-rate-limit.js";
import { SecretRedactor } from "./secrets.js";
import { selectTools, type ToolSelection } from "./tool-filter.js";

export interface SafetyConfig {
  /** Default auto: elicitation when the client declared it, otherwise preview + token. */
  confirmMode?: ConfirmMode;
  /** CONTABO_MCP_CONFIRM_KEY: shared by replicas so that their tokens verify anywhere. */
  confirmKey?: string;
  confirmTtlMs?: number;
  readOnly?: boolean;
  /** --tools: names or globs. */
  allowTools?: readonly string[];
  /** Default 1; 0 turns the limit off. */
  emailsPerUserPerMinute?: number;
  /** Where audit lines go besides the file; none by default (the CLI sends them to stderr). */
  auditSink?: AuditSink;
  auditFile?: string;
  redactor?: SecretRedactor;
  now?: () => number;
}

/** The safety layer of one server: confirmation, the tool filter, e-mail limits, audit and redaction. */
export interface Safety {
  gate: ConfirmationGate;
  selection: ToolSelection;
  emailLimiter: EmailRateLimiter;
  audit: AuditLog;
  redactor: SecretRedactor;
}

export function createSafety(config: SafetyConfig, tools: readonly ToolDefinition[]): Safety {
  const redactor = config.redactor ?? new SecretRedactor();
  redactor.remember(config.confirmKey, true);
  return {
    gate: new ConfirmationGate(
      config.confirmMode ?? "auto",
      new ConfirmationTokens({ key: config.confirmKey, ttlMs: config.confirmTtlMs, now: config.now }),
    ),
    selection: selectTools(tools, { readOnly: config.readOnly ?? false, allow: config.allowTools }),
    emailLimiter: new EmailRateLimiter(config.emailsPerUserPerMinute ?? 1, config.now),
    audit: new AuditLog(redactor, config.auditSink ?? (() => {}), config.auditFile),
    redactor,
  };
}
