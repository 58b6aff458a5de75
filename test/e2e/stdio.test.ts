import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/client";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { beforeAll, describe, expect, it, onTestFinished } from "vitest";

import { seedState } from "../../src/sandbox/seed.js";
import { TOOLS } from "../../src/tools/registry.js";
import { prepareToolListing, toolListing } from "../../src/tools/tool-listing.js";
import { CLI, cleanEnv, exited, runCli, startedServer } from "../helpers/cli.js";
import { knownSecrets, recordServerOutput } from "../helpers/logs.js";

/** A client whose person answers every form: yes, or the e-mail address the form asks them to type. */
function personSayingYes(asked: string[]): (client: Client) => void {
  return (client) =>
    client.setRequestHandler("elicitation/create", (request) => {
      asked.push(request.params.message);
      const typed = request.params.message.match(/type the e-mail address "([^"]+)"/)?.[1];
      const content: Record<string, string | boolean> = typed ? { confirmation: typed } : { confirm: true };
      return { action: "accept", content };
    });
}

async function connect(
  args: string[],
  person?: (client: Client) => void,
  env: Record<string, string> = {},
): Promise<{ client: Client; stderr: string[] }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, ...args],
    env: cleanEnv(env),
    stderr: "pipe",
  });
  const stderr: string[] = [];
  transport.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
  const client = new Client(
    { name: "e2e", version: "1.0.0" },
    { capabilities: person ? { elicitation: {} } : {} },
  );
  person?.(client);
  await client.connect(transport);
  onTestFinished(() => client.close());
  return { client, stderr };
}

describe("the built CLI over stdio", () => {
  beforeAll(() => {
    expect(existsSync(CLI), "run `npm run build` first (npm test does)").toBe(true);
  });

  it("serves every tool against the embedded sandbox", async () => {
    const asked: string[] = [];
    const { client, stderr } = await connect(["--sandbox", "--email-limit", "2"], personSayingYes(asked));
    expect(client.getServerVersion()?.name).toBe("contabo-users-mcp");
    const { tools } = await client.listTools();
    // The bundle ships the listing made at build time: it must be the one the registry makes now.
    // The listing the bundle carries, made at build time, is the one made from the sources now.
    await prepareToolListing(TOOLS, { withTokens: true });
    expect(tools).toEqual(JSON.parse(JSON.stringify(toolListing(TOOLS))));
    const called: string[] = [];
    /** Calls a tool; the person behind this client answers yes to every confirmation form. */
    const call = async (name: string, args: Record<string, unknown> = {}) => {
      called.push(name);
      const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
      expect(result.isError, `${name}: ${JSON.stringify(result.content)}`).toBeFalsy();
      return result.structuredContent as Record<string, unknown>;
    };

    const list = await call("retrieve_user_list", { size: 3 });
    expect(list).toMatchObject({ pagination: { page: 1, size: 3, totalElements: 25 } });
    const { userId } = (await call("create_user", {
      email: "e2e@example.com",
      enabled: true,
      totp: false,
      locale: "en",
    })) as { userId: string };
    expect(await call("retrieve_user", { userId })).toMatchObject({ user: { email: "e2e@example.com" } });
    await call("update_user", { userId, firstName: "End", roles: ["3"] });
    await call("reset_password", { userId });
    await call("resend_email_verification", { userId, redirectUrl: "https://my.contabo.com/welcome" });
    const { credentials } = (await call("list_object_storage_credentials", { userId })) as {
      credentials: Array<{ objectStorageId: string; credentialId: number }>;
    };
    const address = {
      userId,
      objectStorageId: credentials[0]?.objectStorageId,
      credentialId: credentials[0]?.credentialId,
    };
    await call("get_object_storage_credentials", address);
    await call("regenerate_object_storage_credentials", address);
    await call("retrieve_user_client");
    expect(await call("retrieve_user_is_password_set", { userId })).toMatchObject({ isPasswordSet: false });
    const { roles } = (await call("retrieve_role_list", { name: "read" })) as {
      roles: Array<{ roleId: number }>;
    };
    await call("retrieve_role", { roleId: roles[0]?.roleId });
    expect(await call("retrieve_user_audits", { userId })).toMatchObject({
      audits: [{ action: "CREATED" }, { action: "UPDATED" }],
    });
    expect(await call("auth_status")).toMatchObject({
      loggedIn: true,
      sandbox: true,
      caller: { owner: true },
    });
    await call("generate_client_secret");
    expect(await call("delete_user", { userId })).toMatchObject({ ok: true, userId });
    expect([...called].sort()).toEqual(tools.map((t) => t.name).sort());

    // Audit lines are written after each call answers: wait until all eleven have reached this process.
    const auditLines = () =>
      stderr
        .join("")
        .split("\n")
        .filter((line) => line.includes('"audit":true')).length;
    for (let waited = 0; auditLines() < 11 && waited < 3_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // Logs and audit lines are JSON lines on stderr; stdout carried only MCP messages, or the client would have failed.
    const lines = stderr.join("").trim().split("\n");
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    // The child's sandbox starts from the default seed: its secrets are known here, for the leak scan.
    recordServerOutput(stderr.join(""));
    for (const secret of seedState().issuedSecrets) knownSecrets.add(secret);
    const audit = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.audit);
    expect(audit.map((line) => `${line.tool}:${line.decision}:${line.outcome}`)).toEqual([
      "create_user:not-required:ok",
      "update_user:asked:not-run",
      "update_user:confirmed:ok",
      "reset_password:not-required:ok",
      "resend_email_verification:not-required:ok",
      "regenerate_object_storage_credentials:asked:not-run",
      "regenerate_object_storage_credentials:confirmed:ok",
      "generate_client_secret:asked:not-run",
      "generate_client_secret:confirmed:ok",
      "delete_user:asked:not-run",
      "delete_user:confirmed:ok",
    ]);
    // Four forms reached the person: roles, S3 keys, the client secret, the deletion (typed).
    expect(asked).toHaveLength(4);
    expect(stderr.join("")).toContain("sandbox mode");
  });

  it("exits by itself when the client closes stdin", async () => {
    const server = await startedServer();
    server.child.stdin.end();
    expect(await exited(server.child)).toBe(0);
    // It left because stdin closed, not because something signalled it.
    expect(server.stderr()).toContain('"reason":"client disconnected"');
  });

  it("exits with code 0 on SIGTERM", async () => {
    const server = await startedServer();
    server.child.kill("SIGTERM");
    expect(await exited(server.child)).toBe(0);
    expect(server.stderr()).toContain('"reason":"SIGTERM"');
  });

  it("without credentials, lists tools and explains what to set on each call", async () => {
    const { client, stderr } = await connect([]);
    const { tools } = await client.listTools();
    expect(tools).toHaveLength(TOOLS.length);
    const result = (await client.callTool({ name: "retrieve_user_client", arguments: {} })) as CallToolResult;
    expect(result.isError).toBe(true);
    const text = result.content.map((c) => (c.type === "text" ? c.text : "")).join("");
    expect(text).toContain("No Contabo credentials are configured");
    expect(text).toContain("CONTABO_CLIENT_ID");
    expect(text).toContain("--sandbox");
    expect(stderr.join("")).toContain("no Contabo credentials");
    // The bundle keeps class names: the log says which error, not a minified letter.
    expect(stderr.join("")).toContain('"error":"ContaboConfigError"');
  });

  it("falls back to ~/.cntb.yaml and says so without the values", async () => {
    const home = mkdtempSync(join(tmpdir(), "cntb-home-"));
    writeFileSync(
      join(home, ".cntb.yaml"),
      "oauth2-clientid: INT-1\noauth2-client-secret: s3cret-from-cntb\n",
    );
    const server = runCli([], { HOME: home });
    await server.until(/serving MCP/);
    server.child.kill("SIGTERM");
    await server.exit();
    const stderr = server.stderr();
    expect(stderr).toContain(`"source":"cntb config ${join(home, ".cntb.yaml")}"`);
    expect(stderr).toContain("no Contabo credentials"); // user and password are still missing
    expect(stderr).not.toContain("s3cret-from-cntb");
  });

  it("with credentials from ~/.cntb.yaml, errors name that file's keys, not CONTABO_* variables", async () => {
    const home = mkdtempSync(join(tmpdir(), "cntb-home-"));
    const file = join(home, ".cntb.yaml");
    writeFileSync(file, "oauth2-clientid: INT-1\noauth2-client-secret: s3cret-from-cntb\n");
    const { client } = await connect([], undefined, { HOME: home, CONTABO_API_USER: "me@example.com" });
    const result = (await client.callTool({ name: "retrieve_user_client", arguments: {} })) as CallToolResult;
    expect(result.isError).toBe(true);
    const text = result.content.map((c) => (c.type === "text" ? c.text : "")).join("");
    // From the file: its keys. Set nowhere: the key, or the variable. From the environment: the variable.
    expect(text).toContain("missing: oauth2-password (or CONTABO_API_PASSWORD)");
    expect(text).toContain("oauth2-clientid, oauth2-client-secret, CONTABO_API_USER");
    expect(text).toContain(file);
    expect(text).not.toMatch(/CONTABO_CLIENT_ID|CONTABO_CLIENT_SECRET/);
  });

  it("a refused API URL from ~/.cntb.yaml is named as the file's api key", async () => {
    const home = mkdtempSync(join(tmpdir(), "cntb-home-"));
    writeFileSync(join(home, ".cntb.yaml"), "oauth2-clientid: INT-1\napi: http://api.example.com\n");
    const server = runCli([], { HOME: home });
    expect(await server.exit()).toBe(1);
    expect(server.stderr()).toContain("api must use https");
    expect(server.stderr()).toContain(join(home, ".cntb.yaml"));
  });

  it("refuses a non-https API URL at start, with a clear message", async () => {
    const server = runCli([], { CONTABO_API_URL: "http://api.example.com" });
    expect(await server.exit()).toBe(1);
    const stderr = server.stderr();
    expect(stderr).toContain("CONTABO_API_URL must use https");
  });
});

describe("the sandbox command", () => {
  it("runs the simulator alone and prints how to point a client at it", async () => {
    const sandbox = runCli(["sandbox", "--port", "0"]);
    await sandbox.until(/CONTABO_API_PASSWORD=/);
    const stderr = sandbox.stderr();
    const env = Object.fromEntries(
      [...stderr.matchAll(/^\s+(CONTABO_[A-Z_]+)=(.*)$/gm)].map((m) => [m[1], m[2]]),
    );
    expect(env.CONTABO_API_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { createContaboClient } = await import("../../src/client/index.js");
    const contabo = createContaboClient({
      apiUrl: env.CONTABO_API_URL,
      authUrl: env.CONTABO_AUTH_URL,
      credentials: {
        clientId: env.CONTABO_CLIENT_ID,
        clientSecret: env.CONTABO_CLIENT_SECRET,
        username: env.CONTABO_API_USER,
        password: env.CONTABO_API_PASSWORD,
      },
    });
    const users = await contabo.api.retrieveUserList({ size: 1 });
    expect(users.body._pagination.totalElements).toBe(25);
    await contabo.close();
    sandbox.child.kill("SIGTERM");
    expect(await sandbox.exit()).toBe(0);
  });
});

describe("the CLI over Streamable HTTP", () => {
  it("serves /mcp on loopback, and exits 0 on SIGTERM", async () => {
    const server = runCli(["--http", "--sandbox", "--port", "0"]);
    const [, url = ""] = await server.until(/"url":"([^"]+)"/);
    const client = new Client({ name: "e2e-http", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    expect((await client.listTools()).tools).toHaveLength(TOOLS.length);
    await client.close();
    server.child.kill("SIGTERM");
    expect(await server.exit()).toBe(0);
    expect(server.stderr()).toContain('"reason":"SIGTERM"');
  });

  it("refuses to listen beyond loopback without MCP_HTTP_TOKEN", async () => {
    const server = runCli(["--http", "--host", "0.0.0.0", "--port", "0"]);
    expect(await server.exit()).toBe(2);
    const stderr = server.stderr();
    expect(stderr).toContain("refusing to serve 0.0.0.0 without MCP_HTTP_TOKEN");
  });
});
