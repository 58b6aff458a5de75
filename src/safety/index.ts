import type { ServerEvents } from "../metrics/events.js";
import { SecretRedactor } from "../shared/secrets.js";
import type { ActionKind } from "./approval-policy.js";
import { DEFAULT_FOUR_EYES } from "./approval-policy.js";
import { ApprovalBook, DEFAULT_APPROVAL_WAIT_MS } from "./approvals.js";
import { AuditLog, type AuditSink } from "./audit.js";
import { CallLimits } from "./call-limits.js";
import { type ApprovalDesk, ConfirmationGate, type ConfirmMode } from "./confirmation.js";
import { ConfirmationSigner } from "./confirmation-signer.js";
import { MemorySafetyStore, type SafetyStore } from "./safety-store.js";
import { type SelectableTool, selectTools, type ToolSelection } from "./tool-filter.js";

export interface SafetyConfig {
  /** Default auto: a form for the human when the client can show one; otherwise the call is refused. */
  confirmMode?: ConfirmMode;
  /** CONTABO_MCP_CONFIRM_KEY: shared by replicas so that their seals open anywhere. */
  confirmKey?: string;
  confirmTtlMs?: number;
  readOnly?: boolean;
  /** --tools: names or globs. */
  allowTools?: readonly string[];
  /** Default 1; 0 turns the limit off. */
  emailsPerUserPerMinute?: number;
  /** --invite-limit: new users per minute; default 10, 0 turns the limit off. */
  invitationsPerMinute?: number;
  /** Used nonces and rate-limit windows; this process's memory by default. */
  store?: SafetyStore;
  /** Where audit lines go besides the file; none by default (the CLI sends them to stderr). */
  auditSink?: AuditSink;
  auditFile?: string;
  redactor?: SecretRedactor;
  /** Where finished calls are reported (metrics); nowhere by default. */
  events?: ServerEvents;
  now?: () => number;
  /** Approval pages (src/approvals/): where they are and how people reach them. None: forms only. */
  approvals?: ApprovalConfig;
}

export interface ApprovalConfig {
  /** Made by src/approvals/approval-desk.ts, or a test's own. */
  desk: ApprovalDesk;
  /** --four-eyes (team mode); DEFAULT_FOUR_EYES when not given. */
  fourEyes?: readonly ActionKind[];
  /** --approval-ttl: how long an approval page stays valid (default 10 minutes). */
  ttlMs?: number;
  /** --approval-wait: how long a call waits for the decision (default 45 s). */
  waitMs?: number;
}

/** The safety layer of one server: confirmation, the tool filter, limits, audit and redaction. */
export interface Safety {
  gate: ConfirmationGate;
  selection: ToolSelection;
  limits: CallLimits;
  audit: AuditLog;
  redactor: SecretRedactor;
  events: ServerEvents;
  /** The pending approvals, when approval pages are set up. */
  approvals?: ApprovalBook;
  /** Keyed digests under the confirmation key (approval cookies are signed with it). */
  digest: (label: string, value: string) => string;
}

export const DEFAULT_INVITATIONS_PER_MINUTE = 10;

export function createSafety(config: SafetyConfig, tools: readonly SelectableTool[]): Safety {
  const redactor = config.redactor ?? new SecretRedactor();
  redactor.remember(config.confirmKey, true);
  const store = config.store ?? new MemorySafetyStore(config.now);
  const signer = new ConfirmationSigner({
    key: config.confirmKey,
    ttlMs: config.confirmTtlMs,
    now: config.now,
  });
  const digest = (label: string, value: string) => signer.keyedDigest(label, value);
  const given = config.approvals;
  const approvals = given
    ? new ApprovalBook(store, digest, { ttlMs: given.ttlMs, now: config.now })
    : undefined;
  return {
    gate: new ConfirmationGate(
      config.confirmMode ?? "auto",
      signer,
      store,
      given && approvals
        ? {
            book: approvals,
            desk: given.desk,
            fourEyes: given.fourEyes ?? DEFAULT_FOUR_EYES,
            waitMs: given.waitMs ?? DEFAULT_APPROVAL_WAIT_MS,
          }
        : undefined,
    ),
    approvals,
    digest,
    selection: selectTools(tools, { readOnly: config.readOnly ?? false, allow: config.allowTools }),
    limits: new CallLimits(store, {
      emailsPerRecipientPerMinute: config.emailsPerUserPerMinute ?? 1,
      invitationsPerMinute: config.invitationsPerMinute ?? DEFAULT_INVITATIONS_PER_MINUTE,
    }),
    audit: new AuditLog(redactor, config.auditSink ?? (() => {}), config.auditFile),
    redactor,
    events: config.events ?? {},
  };
}
