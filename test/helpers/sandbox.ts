import { onTestFinished } from "vitest";
import { type ContaboClient, type ContaboClientConfig, createContaboClient } from "../../src/client/index.js";
import { type Sandbox, type SandboxOptions, startSandbox } from "../../src/sandbox/index.js";

/** Starts a sandbox on 127.0.0.1 for one test, closed after it. */
export async function useSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = await startSandbox(options);
  onTestFinished(() => sandbox.close());
  return sandbox;
}

/** A real Contabo client (password grant, real HTTP) pointed at the sandbox, closed after the test. */
export function clientFor(sandbox: Sandbox, config: Partial<ContaboClientConfig> = {}): ContaboClient {
  const client = createContaboClient({
    apiUrl: sandbox.apiUrl,
    authUrl: sandbox.tokenUrl,
    credentials: sandbox.login(),
    ...config,
  });
  onTestFinished(() => client.close());
  return client;
}

/** The sandbox's requests, minus the token endpoint's. */
export function apiRequests(sandbox: Sandbox) {
  return sandbox.requestLog.filter((entry) => entry.path.startsWith("/v1/"));
}

export function tokenRequests(sandbox: Sandbox) {
  return sandbox.requestLog.filter((entry) => !entry.path.startsWith("/v1/"));
}
