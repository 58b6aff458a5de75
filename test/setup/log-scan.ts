import { afterAll, expect } from "vitest";
import { knownSecrets, serverOutput } from "../helpers/logs.js";

/** A bearer token or JWT in a log line means a token leaked, whoever issued it. */
const TOKEN_SHAPE = /eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}/;

afterAll(() => {
  const leaks: string[] = [];
  for (const line of serverOutput) {
    if (TOKEN_SHAPE.test(line)) leaks.push(`token in: ${line.slice(0, 200)}`);
    for (const secret of knownSecrets)
      if (line.includes(secret)) leaks.push(`secret …${secret.slice(-4)} in: ${line.slice(0, 200)}`);
  }
  expect(
    leaks,
    `server logs and audit lines of this file (${serverOutput.length} lines) leak secrets`,
  ).toEqual([]);
});
