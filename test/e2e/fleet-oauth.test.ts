/**
 * The fleet with OAuth callers: three built replicas behind HAProxy sharing Redis, each checking
 * access tokens of a real oidc-provider issued for the proxy's public URL.
 */
import { describe, expect, it } from "vitest";
import { READ_SCOPE, SCOPES } from "../../src/safety/scope-policy.js";
import { TOOLS } from "../../src/tools/registry.js";
import { sandboxEnv, startHaproxy, startReplica } from "../helpers/fleet.js";
import { modernEnvelope } from "../helpers/modern-wire.js";
import { freePort, startRedis } from "../helpers/redis.js";
import { useSandbox } from "../helpers/sandbox.js";
import { startAuthorizationServer } from "../transports/oauth/authorization-server.js";

async function send(url: string, token: string, method: string, params: Record<string, unknown>) {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2026-07-28",
      "mcp-method": method,
      ...(typeof params.name === "string" ? { "mcp-name": params.name } : {}),
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: { ...params, _meta: modernEnvelope() } }),
  });
  const text = await response.text();
  return { status: response.status, text };
}

describe("a fleet of three replicas with OAuth callers", () => {
  it("limits each caller fleet-wide, shows each only its tools, and audits who did what", async () => {
    const front = await freePort();
    const publicUrl = `http://127.0.0.1:${front}/mcp`;
    const [sandbox, redis, issuer] = await Promise.all([
      useSandbox(),
      startRedis(),
      startAuthorizationServer(publicUrl),
    ]);
    const args = ["--oauth-issuer", issuer.issuer, "--public-url", publicUrl, "--rate-limit", "4"];
    const replicas = await Promise.all(
      [0, 1, 2].map(() => startReplica(sandboxEnv(sandbox), redis.url, args)),
    );
    const proxy = await startHaproxy(
      replicas.map((replica) => replica.address),
      front,
    );
    const [agent, reader] = await Promise.all([
      issuer.token(issuer.agent, SCOPES.join(" ")),
      issuer.token(issuer.reader, READ_SCOPE),
    ]);

    // tools/list is not a call; the reader sees only the read tools.
    const listed = await send(proxy.url, reader, "tools/list", {});
    const names = (
      JSON.parse(listed.text) as { result: { tools: Array<{ name: string }> } }
    ).result.tools.map((tool) => tool.name);
    expect(names.sort()).toEqual(
      TOOLS.filter((tool) => tool.annotations.readOnlyHint)
        .map((tool) => tool.name)
        .sort(),
    );
    expect(
      (await send(proxy.url, reader, "tools/call", { name: "generate_client_secret", arguments: {} })).status,
    ).toBe(403);

    // Four calls a minute each, counted by the three replicas together, one caller apart from the other.
    const statuses = async (token: string) => {
      const seen: number[] = [];
      for (let i = 0; i < 6; i++) {
        seen.push(
          (await send(proxy.url, token, "tools/call", { name: "retrieve_role_list", arguments: {} })).status,
        );
      }
      return seen;
    };
    const user = [...sandbox.state.users.values()].find((u) => !u.owner);
    const renamed = await send(proxy.url, agent, "tools/call", {
      name: "update_user",
      arguments: { userId: user?.userId, firstName: "Fleetwide" },
    });
    expect(renamed.status).toBe(200);
    expect(await statuses(agent)).toEqual([200, 200, 200, 429, 429, 429]);
    // The 403 above was refused before it counted.
    expect(await statuses(reader)).toEqual([200, 200, 200, 200, 429, 429]);
    expect(sandbox.state.users.get(user?.userId ?? "")?.firstName).toBe("Fleetwide");

    const audit = replicas.map((replica) => replica.stderr()).join("\n");
    expect(audit).toMatch(/"audit":true.*"tool":"update_user".*"caller":"http:agent"/);
  });
});
