import { closeSync, fchmodSync, openSync, writeSync } from "node:fs";
import type { Decision } from "./confirmation.js";
import type { SecretRedactor } from "./secrets.js";

export interface AuditEntry {
  tool: string;
  /** The ids the call is about (userId, objectStorageId, credentialId), or the API client. */
  target: Record<string, unknown>;
  /** The call's arguments, redacted. */
  arguments: Record<string, unknown>;
  decision: Decision;
  outcome: "ok" | "error" | "not-run";
  requestId?: string;
  error?: string;
}

export type AuditSink = (line: string) => void;

/**
 * One JSON line per state-changing call and per confirmation decision, on stderr and, with
 * --audit-log FILE, appended to that file (created with mode 0600). Everything passes the redactor.
 */
export class AuditLog {
  private fd: number | undefined;

  constructor(
    private readonly redactor: SecretRedactor,
    private readonly stderr: AuditSink = (line) => process.stderr.write(line),
    file?: string,
  ) {
    if (file !== undefined) {
      this.fd = openSync(file, "a", 0o600);
      // An existing file keeps its mode on open: make it private too.
      fchmodSync(this.fd, 0o600);
    }
  }

  /** Never throws: a failing audit write must not turn a call that happened into an error. */
  record(entry: AuditEntry): void {
    const line = `${JSON.stringify(this.redactor.value({ time: new Date().toISOString(), audit: true, ...entry }))}\n`;
    try {
      this.stderr(line);
      if (this.fd !== undefined) writeSync(this.fd, line);
    } catch (error) {
      process.stderr.write(
        `audit: could not write a record: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** The target of a call, from its arguments: the user, storage and credential ids, or a new user's e-mail. */
export function auditTarget(args: Record<string, unknown>): Record<string, unknown> {
  const target: Record<string, unknown> = {};
  for (const key of ["userId", "objectStorageId", "credentialId"]) {
    if (args[key] !== undefined) target[key] = args[key];
  }
  if (Object.keys(target).length === 0 && args.email !== undefined) target.email = args.email;
  return Object.keys(target).length > 0 ? target : { apiClient: "the caller's own" };
}
