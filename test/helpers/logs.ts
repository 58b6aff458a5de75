import { createLogger, type Logger } from "../../src/shared/log.js";
import type { SecretRedactor } from "../../src/shared/secrets.js";

/**
 * Everything our servers wrote as logs and audit lines in this test file, and every secret the
 * sandboxes handed out. test/setup/log-scan.ts checks after each file that no secret is in a line.
 */
export const serverOutput: string[] = [];
export const knownSecrets = new Set<string>();

export function testLogger(redactor?: SecretRedactor): Logger {
  return createLogger("debug", (line) => serverOutput.push(line), redactor);
}

export function recordServerOutput(text: string): void {
  serverOutput.push(text);
}
