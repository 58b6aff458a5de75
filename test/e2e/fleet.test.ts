/**
 * Three replicas of the built CLI behind a real HAProxy (deploy/haproxy.cfg), sharing a real Redis,
 * over one sandbox: a bounded mixed load from several callers, one replica killed mid-run.
 */
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { describe, expect, it, onTestFinished } from "vitest";
import { FLEET_TOKEN, sandboxEnv, startHaproxy, startReplica } from "../helpers/fleet.js";
import { modernEnvelope, overNetwork, rawToolCall } from "../helpers/modern-wire.js";
import { startRedis } from "../helpers/redis.js";
import { useSandbox } from "../helpers/sandbox.js";
import { eventually } from "../helpers/until.js";

const MODERN_META = modernEnvelope();

const CALLERS = 4;
const CALLS_PER_CALLER = 60;
const AUTH = { authorization: `Bearer ${FLEET_TOKEN}` };

async function fleet(extraArgs: string[] = []) {
  const [sandbox, redis] = await Promise.all([useSandbox(), startRedis()]);
  const env = { ...sandboxEnv(sandbox), CONTABO_MCP_STATE_KEY: "a-state-key-shared-by-the-whole-fleet-000" };
  const replicas = await Promise.all([0, 1, 2].map(() => startReplica(env, redis.url, extraArgs)));
  const proxy = await startHaproxy(replicas.map((replica) => replica.address));
  return { sandbox, redis, replicas, proxy };
}

/** A 2026-07-28 caller through the proxy, whose person says yes to every form. */
async function caller(url: string): Promise<Client> {
  const client = new Client(
    { name: "fleet-caller", version: "1.0.0" },
    { versionNegotiation: { mode: { pin: "2026-07-28" } }, capabilities: { elicitation: { form: {} } } },
  );
  client.setRequestHandler("elicitation/create", (request) => {
    const typed = request.params.message.match(/type the e-mail address "([^"]+)"/)?.[1];
    const content: Record<string, string | boolean> = typed ? { confirmation: typed } : { confirm: true };
    return { action: "accept", content };
  });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: AUTH } }));
  onTestFinished(() => client.close());
  return client;
}

const auditsOf = (stderr: string, tool: string, decision: string) =>
  stderr
    .split("\n")
    .filter((line) => line.includes('"audit":true') && line.includes(`"tool":"${tool}"`))
    .filter((line) => line.includes(`"decision":"${decision}"`)).length;

describe("a fleet of three replicas behind HAProxy, sharing Redis", () => {
  it("survives a replica killed mid-run: only calls in flight on it fail, and nothing is done twice", async () => {
    const { sandbox, replicas, proxy } = await fleet();
    const users = [...sandbox.state.users.values()].filter((u) => !u.owner);
    let done = 0;
    let killedAfter = -1;
    const failures: string[] = [];
    const succeeded = new Set<string>();
    const work = async (index: number) => {
      const client = await caller(proxy.url);
      for (let i = 0; i < CALLS_PER_CALLER; i++) {
        const user = users[(index * CALLS_PER_CALLER + i) % users.length];
        const firstName = `C${index}N${i}`;
        const write = i % 3 === 0;
        try {
          const result = write
            ? await client.callTool({ name: "update_user", arguments: { userId: user?.userId, firstName } })
            : await client.callTool({ name: "retrieve_user", arguments: { userId: user?.userId } });
          if (result.isError) failures.push(JSON.stringify(result.content).slice(0, 200));
          else if (write) succeeded.add(firstName);
        } catch (error) {
          failures.push(error instanceof Error ? error.message : String(error));
        }
        done++;
        if (done === (CALLERS * CALLS_PER_CALLER) / 2 && killedAfter < 0) {
          killedAfter = done;
          replicas[1]?.child.kill("SIGKILL");
        }
      }
    };
    await Promise.all(Array.from({ length: CALLERS }, (_, index) => work(index)));

    expect(killedAfter).toBeGreaterThan(0);
    // At most the calls in flight on the killed replica: one per caller.
    expect(failures.length).toBeLessThanOrEqual(CALLERS);
    // Nothing done twice: each new first name was written by at most one request.
    const written = sandbox.state.audits
      .filter((audit) => audit.action === "UPDATED")
      .map((audit) => String((audit.changes as { firstName?: { to?: string } } | undefined)?.firstName?.to));
    const counts = new Map<string, number>();
    for (const name of written) counts.set(name, (counts.get(name) ?? 0) + 1);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    for (const name of succeeded) expect(counts.get(name)).toBe(1);
    process.stderr.write(
      `fleet: ${CALLERS * CALLS_PER_CALLER} calls, ${failures.length} failed around the kill after ${killedAfter}\n`,
    );
  });

  it("completes a confirmation on another replica, refuses its replay on all, and counts e-mails once", async () => {
    const { sandbox, replicas, proxy } = await fleet();
    const target = [...sandbox.state.users.values()].find((u) => !u.owner);
    const client = await caller(proxy.url);
    const deleted = await client.callTool({ name: "delete_user", arguments: { userId: target?.userId } });
    expect(deleted.structuredContent).toMatchObject({ ok: true });
    const asked = replicas.map((r) => auditsOf(r.stderr(), "delete_user", "asked"));
    const confirmed = replicas.map((r) => auditsOf(r.stderr(), "delete_user", "confirmed"));
    expect(asked.reduce((a, b) => a + b)).toBe(1);
    expect(confirmed.reduce((a, b) => a + b)).toBe(1);
    expect(asked.indexOf(1)).not.toBe(confirmed.indexOf(1));

    // A reveal (it changes nothing, so only the used nonce stops a replay), answered once...
    const through = { url: proxy.url, fetch: overNetwork, headers: AUTH };
    const first = await rawToolCall(through, "retrieve_user_client", { reveal: true });
    const answer = {
      requestState: first.result?.requestState,
      inputResponses: { confirm: { action: "accept", content: { confirm: true } } },
    };
    const revealed = await rawToolCall(through, "retrieve_user_client", { reveal: true }, answer);
    expect(revealed.result?.structuredContent?.client).toBeDefined();
    // ... and replayed to each replica directly: refused by all of them.
    for (const replica of replicas) {
      const replay = await rawToolCall(
        { url: replica.url, fetch: overNetwork, headers: AUTH },
        "retrieve_user_client",
        { reveal: true },
        answer,
      );
      expect(replay.result?.isError, replica.url).toBe(true);
      expect(JSON.stringify(replay.result?.content)).toContain("used already");
    }

    // Three password resets for one user, one per replica in turn: one e-mail goes out.
    const user = [...sandbox.state.users.values()].find((u) => !u.owner && u.userId !== target?.userId);
    const resets = [];
    for (let i = 0; i < 3; i++) {
      resets.push(await client.callTool({ name: "reset_password", arguments: { userId: user?.userId } }));
    }
    expect(resets.filter((r) => !r.isError)).toHaveLength(1);
    expect(sandbox.state.outbox.filter((mail) => mail.kind === "reset-password")).toHaveLength(1);
  });

  it("keeps logging in after a rotated secret, holds the rate limit fleet-wide, and reports metrics", async () => {
    const { sandbox, replicas, proxy } = await fleet(["--rate-limit", "12"]);
    const client = await caller(proxy.url);
    const rotated = await client.callTool({ name: "generate_client_secret", arguments: {} });
    expect(rotated.isError, JSON.stringify(rotated.content)).toBeFalsy();
    // Every token issued so far ends: each replica must log in again, with the secret one of them rotated.
    sandbox.revokeTokens();
    for (const replica of replicas) {
      const read = await rawToolCall(
        { url: replica.url, fetch: overNetwork, headers: AUTH },
        "retrieve_role_list",
        {},
      );
      expect(read.result?.isError, `${replica.url}: ${JSON.stringify(read.result?.content)}`).toBeFalsy();
    }
    // 2 rounds of the rotation and 3 reads so far: 5 of the 12 calls a minute this caller may make,
    // counted by all three replicas together.
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const response = await fetch(proxy.url, {
        method: "POST",
        headers: {
          ...AUTH,
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          "mcp-protocol-version": "2026-07-28",
          "mcp-method": "tools/call",
          "mcp-name": "retrieve_role_list",
        },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: i,
          method: "tools/call",
          params: { name: "retrieve_role_list", arguments: {}, _meta: MODERN_META },
        }),
      });
      statuses.push(response.status);
      if (response.status === 429) expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
      await response.text();
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 429, 429, 429]);

    // /metrics needs the same credentials as /mcp, even from loopback (HAProxy's requests come from there).
    expect((await fetch(`${proxy.base}/metrics`)).status).toBe(401);
    const metrics = await (await fetch(`${proxy.base}/metrics`, { headers: AUTH })).text();
    expect(metrics).toMatch(/contabo_mcp_tool_calls_total\{tool="retrieve_role_list",outcome="ok"\} \d+/);
    expect(metrics).toContain("contabo_mcp_state_store_up 1");
    expect(metrics).toMatch(/contabo_mcp_upstream_responses_total\{method="GET",status="200"\} \d+/);
  });

  it("without Redis, refuses gated calls and serves reads, says degraded; when Redis is back, all recovers", async () => {
    const { sandbox, redis, replicas, proxy } = await fleet();
    const client = await caller(proxy.url);
    const user = [...sandbox.state.users.values()].find((u) => !u.owner);
    await redis.stop();
    await eventually(async () => {
      const states = await Promise.all(
        replicas.map(async (r) => (await fetch(r.url.replace("/mcp", "/healthz"))).json()),
      );
      return states.every((state) => (state as { status: string }).status === "degraded");
    });
    const health = (await (await fetch(`${proxy.base}/healthz`)).json()) as {
      status: string;
      reason: string;
    };
    expect(health.status).toBe("degraded");
    expect(health.reason).not.toBe("");
    const refused = await client.callTool({ name: "delete_user", arguments: { userId: user?.userId } });
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toContain("the shared state store (--state-url) is unreachable");
    const read = await client.callTool({ name: "retrieve_user", arguments: { userId: user?.userId } });
    expect(read.isError).toBeFalsy();
    expect(sandbox.state.users.has(user?.userId ?? "")).toBe(true);

    await redis.restart();
    await eventually(async () => {
      const states = await Promise.all(
        replicas.map(async (r) => (await fetch(r.url.replace("/mcp", "/healthz"))).json()),
      );
      return states.every((state) => (state as { status: string }).status === "ok");
    }, 15_000);
    const deleted = await client.callTool({ name: "delete_user", arguments: { userId: user?.userId } });
    expect(deleted.structuredContent).toMatchObject({ ok: true });
  });
});
