import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { onTestFinished } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { runCli } from "./cli.js";
import { freePort } from "./redis.js";
import { eventually } from "./until.js";

export const HAPROXY_CONFIG = fileURLToPath(new URL("../../deploy/haproxy.cfg", import.meta.url));
export const FLEET_TOKEN = "0123456789abcdef0123456789abcdef-fleet";
export const FLEET_KEY = "a-confirmation-key-shared-by-the-whole-fleet";

/** The CONTABO_* variables that point a spawned server at an in-process sandbox. */
export function sandboxEnv(sandbox: Sandbox): Record<string, string> {
  const login = sandbox.login();
  return {
    CONTABO_API_URL: sandbox.apiUrl,
    CONTABO_AUTH_URL: sandbox.tokenUrl,
    CONTABO_CLIENT_ID: login.clientId,
    CONTABO_CLIENT_SECRET: login.clientSecret,
    CONTABO_API_USER: login.username,
    CONTABO_API_PASSWORD: login.password,
  };
}

/**
 * One `--http` replica on a port of its own, sharing the fleet's key and state store, and its
 * static token unless `extraArgs` give OAuth settings instead.
 */
export async function startReplica(env: Record<string, string>, stateUrl: string, extraArgs: string[] = []) {
  const port = await freePort();
  const oauth = extraArgs.includes("--oauth-issuer");
  const server = runCli(["--http", "--port", String(port), "--state-url", stateUrl, ...extraArgs], {
    ...env,
    ...(oauth ? {} : { MCP_HTTP_TOKEN: FLEET_TOKEN }),
    CONTABO_MCP_CONFIRM_KEY: FLEET_KEY,
  });
  await server.until(/serving MCP over Streamable HTTP/);
  return { ...server, address: `127.0.0.1:${port}`, url: `http://127.0.0.1:${port}/mcp` };
}

/** HAProxy with deploy/haproxy.cfg in front of three replicas; resolves once it serves /healthz. */
export async function startHaproxy(replicas: readonly string[], port?: number) {
  port ??= await freePort();
  const child = spawn("haproxy", ["-db", "-f", HAPROXY_CONFIG], {
    env: {
      PATH: process.env.PATH ?? "",
      MCP_FRONT_BIND: `127.0.0.1:${port}`,
      MCP_REPLICA_1: replicas[0] ?? "",
      MCP_REPLICA_2: replicas[1] ?? "",
      MCP_REPLICA_3: replicas[2] ?? "",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr.on("data", (chunk: Buffer) => {
    log += chunk.toString();
  });
  const missing = new Promise<never>((_, reject) =>
    child.once("error", (error) =>
      reject(new Error(`cannot start haproxy (${error.message}): install it, e.g. apt-get install haproxy`)),
    ),
  );
  onTestFinished(() => {
    child.kill("SIGKILL");
  });
  const base = `http://127.0.0.1:${port}`;
  await Promise.race([missing, eventually(async () => (await fetch(`${base}/healthz`)).status === 200)]);
  return { child, url: `${base}/mcp`, base, log: () => log };
}
