/**
 * Confirmation by a person, end to end: a sandbox process, two server replicas sharing
 * CONTABO_MCP_CONFIRM_KEY behind one URL each, and SDK clients of both eras over HTTP.
 */
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { describe, expect, it, onTestFinished } from "vitest";
import { runCli } from "../helpers/cli.js";

const TOKEN = "0123456789abcdef0123456789abcdef-e2e";
const KEY = "a-confirmation-key-shared-by-both-replicas";

/** The sandbox alone, and the CONTABO_* variables it prints for clients. */
async function sandboxProcess(): Promise<Record<string, string>> {
  const sandbox = runCli(["sandbox", "--port", "0"]);
  await sandbox.until(/CONTABO_API_PASSWORD=\S+/);
  return Object.fromEntries(
    [...sandbox.stderr().matchAll(/^\s+(CONTABO_[A-Z_]+)=(\S+)$/gm)].map(([, name = "", value = ""]) => [
      name,
      value,
    ]),
  );
}

async function replica(env: Record<string, string>) {
  const server = runCli(["--http", "--port", "0"], {
    ...env,
    MCP_HTTP_TOKEN: TOKEN,
    CONTABO_MCP_CONFIRM_KEY: KEY,
  });
  const [, url = ""] = await server.until(/"url":"([^"]+)"/);
  return { url, server };
}

/** A client whose requests go to the replicas in turn: the answer to a form lands on the other one. */
async function roundRobinClient(
  urls: string[],
  era: "modern" | "legacy",
  person?: (message: string) => string,
) {
  const client = new Client(
    { name: "e2e-confirm", version: "1.0.0" },
    {
      capabilities: person ? { elicitation: { form: {} } } : {},
      ...(era === "modern" ? { versionNegotiation: { mode: { pin: "2026-07-28" } } } : {}),
    },
  );
  if (person) {
    client.setRequestHandler("elicitation/create", (request) => ({
      action: "accept",
      content: { confirmation: person(request.params.message) },
    }));
  }
  const served: string[] = [];
  let next = 0;
  const transport = new StreamableHTTPClientTransport(new URL(urls[0] ?? ""), {
    requestInit: { headers: { authorization: `Bearer ${TOKEN}` } },
    fetch: (_input, init) => {
      const url = urls[next++ % urls.length] ?? "";
      served.push(url);
      return fetch(url, init);
    },
  });
  await client.connect(transport);
  onTestFinished(() => client.close());
  return { client, served };
}

const typedEmail = (message: string) => message.match(/type the e-mail address "([^"]+)"/)?.[1] ?? "";

describe("a person confirms, across replicas", () => {
  it("a 2026-07-28 client deletes a user when the form's answer is served by the other replica", async () => {
    const env = await sandboxProcess();
    const [a, b] = await Promise.all([replica(env), replica(env)]);
    const { client, served } = await roundRobinClient([a.url, b.url], "modern", typedEmail);
    const list = await client.callTool({ name: "retrieve_user_list", arguments: { size: 5 } });
    const users = (list.structuredContent as { users: Array<{ userId: string; owner: boolean }> }).users;
    const target = users.find((user) => !user.owner)?.userId;

    served.length = 0;
    const deleted = await client.callTool({ name: "delete_user", arguments: { userId: target } });
    expect(deleted.structuredContent).toMatchObject({ ok: true, userId: target });
    // The question came from one replica, the answer was acted on by the other.
    expect(new Set(served)).toEqual(new Set([a.url, b.url]));
    await a.server.until(/"tool":"delete_user".*"decision":"asked"|"decision":"asked".*"tool":"delete_user"/);
    await b.server.until(
      /"tool":"delete_user".*"decision":"confirmed"|"decision":"confirmed".*"tool":"delete_user"/,
    );
    const gone = await client.callTool({ name: "retrieve_user", arguments: { userId: target } });
    expect(gone.isError).toBe(true);
  });

  it("a 2025-era client over stateless HTTP cannot be asked: gated calls are refused, and nothing changes", async () => {
    const env = await sandboxProcess();
    const a = await replica(env);
    const { client } = await roundRobinClient([a.url], "legacy", () =>
      expect.fail("nobody can be asked here"),
    );
    const list = await client.callTool({ name: "retrieve_user_list", arguments: { size: 5 } });
    const users = (list.structuredContent as { users: Array<{ userId: string; owner: boolean }> }).users;
    const target = users.find((user) => !user.owner)?.userId;
    for (const [name, args] of [
      ["delete_user", { userId: target }],
      ["update_user", { userId: target, roles: ["Administrator"] }],
      ["retrieve_user_client", { reveal: true }],
      ["generate_client_secret", {}],
    ] as const) {
      const result = await client.callTool({ name, arguments: args });
      expect(result.isError, name).toBe(true);
      const text = JSON.stringify(result.content);
      expect(text).toContain("served over stateless HTTP");
      expect(text).not.toContain("confirmationToken");
    }
    const still = await client.callTool({ name: "retrieve_user", arguments: { userId: target } });
    expect(still.structuredContent).toMatchObject({ user: { userId: target } });
  });
});
