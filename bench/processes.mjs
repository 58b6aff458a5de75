// What the benchmark (bench/run.mjs) and the profiler (bench/profile.mjs) share: a clean
// environment for the processes they start, the sandbox's credentials in it, the 2026-07-28
// envelope, and starting a process until it says it is ready.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** An empty HOME: no ~/.cntb.yaml reaches a measured server. */
const EMPTY_HOME = mkdtempSync(join(tmpdir(), "bench-home-"));

/** This process's environment without CONTABO_* and MCP_*, with an empty HOME, plus `extra`. */
export function cleanEnv(extra = {}) {
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith("CONTABO_") && !name.startsWith("MCP_")) env[name] = value;
  }
  return { ...env, HOME: EMPTY_HOME, ...extra };
}

/** cleanEnv with the sandbox's URLs and login. */
export function sandboxEnv(sandbox, extra = {}) {
  const login = sandbox.login();
  return cleanEnv({
    CONTABO_API_URL: sandbox.apiUrl,
    CONTABO_AUTH_URL: sandbox.tokenUrl,
    CONTABO_CLIENT_ID: login.clientId,
    CONTABO_CLIENT_SECRET: login.clientSecret,
    CONTABO_API_USER: login.username,
    CONTABO_API_PASSWORD: login.password,
    ...extra,
  });
}

/** The per-request _meta of a 2026-07-28 request. */
export const ENVELOPE = {
  "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientInfo": { name: "bench", version: "1" },
  "io.modelcontextprotocol/clientCapabilities": {},
};

/** What an MCP server over HTTP (ours, or bench/thin-http-server.mjs) logs once it listens. */
export const LISTENING = /"url":"([^"]+)"/;

/** Spawns a process and resolves once `ready` appears on its stdout or stderr. */
export function startProcess(command, args, env, ready) {
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let output = "";
    const check = (chunk) => {
      output += chunk;
      const match = ready.exec(output);
      if (match) resolve({ child, match });
    };
    child.stdout.on("data", check);
    child.stderr.on("data", check);
    child.once("exit", (code) => reject(new Error(`${command} exited (${code}): ${output.slice(-500)}`)));
  });
}
