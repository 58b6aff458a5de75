import { execFileSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  closeSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AuditLog, openAuditFile } from "../../src/safety/audit.js";
import { SecretRedactor } from "../../src/shared/secrets.js";

const modeOf = (path: string) => statSync(path).mode & 0o777;
const isRoot = process.getuid?.() === 0;

function scratchDirectory(): string {
  return mkdtempSync(join(tmpdir(), "audit-file-"));
}

function auditLogAt(path: string): AuditLog {
  return new AuditLog(new SecretRedactor(), () => {}, path);
}

describe("the --audit-log file", () => {
  it("is created with mode 0600, and appended to when it exists", () => {
    const file = join(scratchDirectory(), "audit.jsonl");
    const created = openAuditFile(file);
    writeSync(created, "first line\n");
    closeSync(created);
    expect(modeOf(file)).toBe(0o600);
    const reopened = openAuditFile(file);
    writeSync(reopened, "second line\n");
    closeSync(reopened);
    expect(readFileSync(file, "utf8")).toBe("first line\nsecond line\n");
  });

  it("makes an existing file of ours private: 0644 becomes 0600", () => {
    const file = join(scratchDirectory(), "audit.jsonl");
    writeFileSync(file, "");
    chmodSync(file, 0o644);
    closeSync(openAuditFile(file));
    expect(modeOf(file)).toBe(0o600);
  });

  it("refuses a symbolic link, and leaves its target and the target's mode alone", () => {
    const directory = scratchDirectory();
    const target = join(directory, "elsewhere.txt");
    writeFileSync(target, "not an audit log\n");
    chmodSync(target, 0o644);
    const link = join(directory, "audit.jsonl");
    symlinkSync(target, link);
    expect(() => auditLogAt(link)).toThrow(`--audit-log ${link} is a symbolic link: refused.`);
    expect(modeOf(target)).toBe(0o644);
    expect(readFileSync(target, "utf8")).toBe("not an audit log\n");
  });

  it("refuses a dangling symbolic link, without creating its target", () => {
    const directory = scratchDirectory();
    const link = join(directory, "audit.jsonl");
    symlinkSync(join(directory, "created-through-the-link.txt"), link);
    expect(() => openAuditFile(link)).toThrow(/is a symbolic link: refused/);
    expect(() => statSync(join(directory, "created-through-the-link.txt"))).toThrow(/ENOENT/);
  });

  it("refuses a directory", () => {
    const directory = join(scratchDirectory(), "audit.d");
    mkdirSync(directory, { mode: 0o755 });
    expect(() => openAuditFile(directory)).toThrow(
      `--audit-log ${directory} is a directory, not a regular file: refused.`,
    );
    expect(modeOf(directory)).toBe(0o755);
  });

  it("refuses a FIFO, without waiting for a reader", () => {
    const fifo = join(scratchDirectory(), "audit.fifo");
    execFileSync("mkfifo", ["-m", "0644", fifo]);
    expect(() => openAuditFile(fifo)).toThrow(
      `--audit-log ${fifo} is a FIFO (named pipe), not a regular file: refused.`,
    );
    expect(modeOf(fifo)).toBe(0o644);
  });

  it.runIf(isRoot)("writes to a file owned by another user without changing its mode (as root)", () => {
    const file = join(scratchDirectory(), "audit.jsonl");
    writeFileSync(file, "");
    chmodSync(file, 0o640);
    chownSync(file, 4242, 4242);
    closeSync(openAuditFile(file));
    expect(modeOf(file)).toBe(0o640);
    expect(statSync(file).uid).toBe(4242);
  });
});
