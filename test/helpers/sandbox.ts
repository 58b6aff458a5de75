import { onTestFinished } from "vitest";
import { type ContaboClient, type ContaboClientConfig, createContaboClient } from "../../src/client/index.js";
import { type Sandbox, type SandboxOptions, startSandbox } from "../../src/sandbox/index.js";
import { SecretRedactor } from "../../src/shared/secrets.js";
import { knownSecrets, testLogger } from "./logs.js";

/** Starts a sandbox on 127.0.0.1 for one test, closed after it. */
export async function useSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = await startSandbox(options);
  onTestFinished(() => {
    for (const secret of sandbox.state.issuedSecrets) knownSecrets.add(secret);
    return sandbox.close();
  });
  return sandbox;
}

/** A real Contabo client (password grant, real HTTP) pointed at the sandbox, closed after the test. */
export function clientFor(sandbox: Sandbox, config: Partial<ContaboClientConfig> = {}): ContaboClient {
  const redactor = new SecretRedactor();
  const client = createContaboClient({
    redactor,
    logger: testLogger(redactor),
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
