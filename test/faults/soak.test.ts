import type { CallToolResult } from "@modelcontextprotocol/client";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { describe, expect, it, onTestFinished } from "vitest";
import { createMcpServer } from "../../src/mcp/server.js";
import { createSafety } from "../../src/safety/index.js";
import { SeededRandom } from "../../src/sandbox/random.js";
import { TOOLS } from "../../src/tools/registry.js";
import { prepareToolListing } from "../../src/tools/tool-listing.js";
import { startHttpServer } from "../../src/transports/http.js";
import { testLogger } from "../helpers/logs.js";
import { textOf } from "../helpers/mcp.js";
import { clientFor, useSandbox } from "../helpers/sandbox.js";

// These tests make servers from the sources, without the bundle's listing: made from the implementations.
await prepareToolListing(TOOLS, { withTokens: true });

const CALLS = 5_000;
const CLIENTS = 8;
const FAULT_RATE = 0.05;

/** What a worker believes, from the calls that reported success only. */
interface ModelUser {
  userId: string;
  firstName: string;
  deleted: boolean;
}

/** Heap in use after a full collection (vitest.config.ts starts workers with --expose-gc). */
function heapMb(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with --expose-gc: the memory check needs a forced collection");
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

describe("soak", () => {
  it(`${CALLS} mixed tool calls from ${CLIENTS} clients over Streamable HTTP with ${FAULT_RATE * 100}% faults: no crash, nothing lost or duplicated`, async () => {
    const sandbox = await useSandbox({ faultSeed: 5 });
    // Faults before the operation (it does not run): what a client that saw an error must believe.
    const kinds = [
      { kind: "status", status: 503 },
      { kind: "status", status: 429, retryAfterSeconds: 0 },
      { kind: "status", status: 502 },
      { kind: "reset" },
      { kind: "truncated-body" },
      { kind: "latency", ms: 20 },
    ] as const;
    for (const fault of kinds)
      sandbox.faults.add({ route: "*", fault, probability: FAULT_RATE / kinds.length });

    const contabo = clientFor(sandbox, {
      retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 1_000 },
    });
    const safety = createSafety(
      { confirmMode: "off", emailsPerUserPerMinute: 0, invitationsPerMinute: 0 },
      TOOLS,
    );
    const logger = testLogger(safety.redactor);
    const http = await startHttpServer({
      host: "127.0.0.1",
      port: 0,
      logger,
      newServer: (era) => createMcpServer({ api: contabo.api, logger, safety, era }),
    });
    onTestFinished(() => http.close(100));
    const heapBefore = heapMb();

    let succeeded = 0;
    let failed = 0;
    const crashes: string[] = [];
    const models: Array<Map<string, ModelUser>> = [];

    const worker = async (index: number, calls: number) => {
      // Half the clients speak 2026-07-28, half open with a 2025-era initialize.
      const client = new Client(
        { name: `soak-${index}`, version: "1.0.0" },
        index % 2 === 0 ? { versionNegotiation: { mode: { pin: "2026-07-28" } } } : {},
      );
      await client.connect(new StreamableHTTPClientTransport(new URL(http.url)));
      const random = new SeededRandom(1000 + index);
      const mine = new Map<string, ModelUser>(); // by e-mail: only this worker touches these users
      models.push(mine);
      for (let i = 0; i < calls; i++) {
        const live = [...mine.entries()].filter(([, user]) => !user.deleted);
        const pickLive = () => random.pick(live);
        const roll = random.next();
        let name: string;
        let args: Record<string, unknown>;
        let onSuccess: (result: Record<string, unknown>) => void = () => {};
        if (roll < 0.15 || live.length === 0) {
          const email = `soak-${index}-${i}@example.com`;
          name = "create_user";
          args = { email, enabled: true, totp: false, locale: "en", firstName: "Soak" };
          onSuccess = (result) =>
            mine.set(email, { userId: String(result.userId), firstName: "Soak", deleted: false });
        } else if (roll < 0.3) {
          const [, user] = pickLive();
          const firstName = `Name${i}`;
          name = "update_user";
          args = { userId: user.userId, firstName };
          onSuccess = () => {
            user.firstName = firstName;
          };
        } else if (roll < 0.35) {
          const [, user] = pickLive();
          name = "delete_user";
          args = { userId: user.userId };
          onSuccess = () => {
            user.deleted = true;
          };
        } else if (roll < 0.4) {
          name = "reset_password";
          args = { userId: pickLive()[1].userId };
        } else if (roll < 0.5) {
          name = "list_object_storage_credentials";
          args = { userId: pickLive()[1].userId };
        } else if (roll < 0.65) {
          name = "retrieve_user";
          args = { userId: pickLive()[1].userId };
        } else {
          name = "retrieve_user_list";
          args = { page: 1 + random.int(5), size: 10 };
        }
        try {
          const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
          if (textOf(result).includes("failed unexpectedly")) crashes.push(textOf(result));
          if (result.isError) failed++;
          else {
            succeeded++;
            onSuccess((result.structuredContent as Record<string, unknown> | undefined) ?? {});
          }
        } catch (error) {
          crashes.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      await client.close();
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, index) => worker(index, CALLS / CLIENTS)));

    expect(crashes).toEqual([]);
    expect(succeeded + failed).toBe(CALLS);
    expect(failed).toBeGreaterThan(0); // faults did reach the clients
    const injected = [...sandbox.faults.injected.values()].reduce((a, b) => a + b, 0);
    expect(injected).toBeGreaterThan(CALLS * FAULT_RATE * 0.5);

    // Nothing lost, nothing duplicated: the sandbox holds exactly what the successful calls say.
    const soakUsers = [...sandbox.state.users.values()].filter((u) => u.email.startsWith("soak-"));
    const expected = models.flatMap((model) =>
      [...model.entries()].filter(([, user]) => !user.deleted).map(([email, user]) => ({ email, ...user })),
    );
    expect(soakUsers.map((u) => [u.email, u.userId, u.firstName]).sort()).toEqual(
      expected.map((u) => [u.email, u.userId, u.firstName]).sort(),
    );
    expect(new Set(soakUsers.map((u) => u.email)).size).toBe(soakUsers.length);

    // Memory returns near where it started.
    const growth = heapMb() - heapBefore;
    expect(growth).toBeLessThan(30);
  }, 180_000);
});
