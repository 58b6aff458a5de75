import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { onTestFinished } from "vitest";

export const CLI = fileURLToPath(new URL("../../dist/package/cli.js", import.meta.url));

/** An empty home for the spawned servers, so that no ~/.cntb.yaml of this machine is read. */
const EMPTY_HOME = mkdtempSync(join(tmpdir(), "contabo-users-mcp-home-"));

/** The environment without any CONTABO_* or MCP_* variable, so the developer's own settings cannot leak in. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !name.startsWith("CONTABO_") && !name.startsWith("MCP_")) env[name] = value;
  }
  return { ...env, HOME: EMPTY_HOME, ...extra };
}

/** The CLI spawned raw, its stderr collected; `until` waits for a pattern in it. Killed after the test. */
export function runCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: cleanEnv(env),
    stdio: ["pipe", "pipe", "pipe"],
  });
  onTestFinished(() => {
    child.kill("SIGKILL");
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const until = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve) => {
      const check = () => {
        const match = pattern.exec(stderr);
        if (match) resolve(match);
        else child.stderr.once("data", () => setImmediate(check));
      };
      check();
    });
  return { child, stderr: () => stderr, until, exit: () => exited(child) };
}

/** `contabo-users-mcp --sandbox` spawned raw, once it says it is serving. */
export async function startedServer() {
  const server = runCli(["--sandbox"]);
  await server.until(/serving MCP/);
  return server;
}

export function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });
}
