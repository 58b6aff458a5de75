import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  lstatSync,
  openSync,
  type Stats,
  writeSync,
} from "node:fs";
import type { SecretRedactor } from "../shared/secrets.js";
import type { Decision } from "./confirmation.js";

export interface AuditEntry {
  tool: string;
  /** The ids the call is about (userId, objectStorageId, credentialId), or the API client. */
  target: Record<string, unknown>;
  /** The call's arguments, redacted. */
  arguments: Record<string, unknown>;
  /** Who called: "stdio", or "http:" and the bearer's subject. */
  caller: string;
  /** How confirmations are obtained on this server (auto, elicit, token, off). */
  confirmMode: string;
  decision: Decision;
  outcome: "ok" | "error" | "not-run";
  requestId?: string;
  error?: string;
  /** A decision on an approval page: which approval, who decided, and how they reached the page. */
  approval?: { id: string; decidedBy: string; via: string };
}

export type AuditSink = (line: string) => void;

/**
 * One JSON line per state-changing call and per confirmation decision, on stderr and, with
 * --audit-log FILE, appended to that file (see openAuditFile). Everything passes the redactor.
 */
export class AuditLog {
  private fd: number | undefined;

  constructor(
    private readonly redactor: SecretRedactor,
    private readonly stderr: AuditSink = (line) => process.stderr.write(line),
    file?: string,
  ) {
    if (file !== undefined) this.fd = openAuditFile(file);
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

/** The target of a call: the arguments its definition names (ids, a new user's e-mail), else the caller's own API client. */
export function auditTarget(
  args: Record<string, unknown>,
  names: readonly string[],
): Record<string, unknown> {
  const target: Record<string, unknown> = {};
  for (const name of names) {
    if (args[name] !== undefined) target[name] = args[name];
  }
  return Object.keys(target).length > 0 ? target : { apiClient: "the caller's own" };
}

/**
 * Appending, creating it with mode 0600; never through a symbolic link (O_NOFOLLOW), and without
 * blocking on a FIFO (O_NONBLOCK, which changes nothing for a regular file).
 */
const AUDIT_FILE_FLAGS =
  constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const PRIVATE_MODE = 0o600;

/**
 * Opens the --audit-log file for appending. A symbolic link, a directory, a FIFO or anything else
 * that is not a regular file is refused. An existing file keeps its mode on open, so a file of
 * ours is made private (0600); a file owned by someone else is written to but never chmod-ed.
 */
export function openAuditFile(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, AUDIT_FILE_FLAGS, PRIVATE_MODE);
  } catch (error) {
    throw openFailure(path, error);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw notRegularFile(path, stats);
    const ours = process.getuid !== undefined && stats.uid === process.getuid();
    if (ours && (stats.mode & 0o777) !== PRIVATE_MODE) fchmodSync(fd, PRIVATE_MODE);
    if (!ours && (stats.mode & 0o077) !== 0) {
      process.stderr.write(
        `audit: ${path} belongs to uid ${stats.uid}, not to this process: its mode 0${(stats.mode & 0o777).toString(8)} is left as it is.\n`,
      );
    }
    return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** Why the audit file could not be opened, in words: a link, a directory or a FIFO is refused. */
function openFailure(path: string, error: unknown): Error {
  const code = error instanceof Error && "code" in error ? error.code : undefined;
  // ELOOP (EMLINK on FreeBSD): the last component is a link. EISDIR, ENXIO (a FIFO no one reads).
  if (code === "ELOOP" || code === "EMLINK" || code === "EISDIR" || code === "ENXIO") {
    const stats = lstatOrUndefined(path);
    if (stats && !stats.isFile()) return notRegularFile(path, stats);
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(`--audit-log ${path}: the file could not be opened (${reason}).`, { cause: error });
}

function notRegularFile(path: string, stats: Stats): Error {
  if (stats.isSymbolicLink()) {
    return new Error(
      `--audit-log ${path} is a symbolic link: refused. Give the path of the file itself; a link could send the audit records, and the change to mode 0600, to another file.`,
    );
  }
  return new Error(`--audit-log ${path} is ${describeFileType(stats)}, not a regular file: refused.`);
}

function describeFileType(stats: Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a FIFO (named pipe)";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return "a device";
  return "a special file";
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
