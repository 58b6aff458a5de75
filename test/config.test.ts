import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readCommand, UsageError } from "../src/config.js";
import { VERSION } from "../src/version.js";

describe("command line and environment", () => {
  it("serves the real API by default, with credentials from the environment", () => {
    const command = readCommand([], {
      CONTABO_CLIENT_ID: "id",
      CONTABO_CLIENT_SECRET: "secret",
      CONTABO_API_USER: "me@example.com",
      CONTABO_API_PASSWORD: " ",
    });
    expect(command).toMatchObject({
      kind: "serve",
      sandbox: false,
      logLevel: "info",
      client: {
        credentials: {
          clientId: "id",
          clientSecret: "secret",
          username: "me@example.com",
          password: undefined,
        },
      },
    });
  });

  it("reads --sandbox, --log-level and the sandbox command", () => {
    expect(readCommand(["--sandbox", "--log-level", "debug"], {})).toMatchObject({
      kind: "serve",
      sandbox: true,
      logLevel: "debug",
    });
    expect(readCommand(["sandbox", "--port", "0", "--seed", "7"], { CONTABO_MCP_LOG_LEVEL: "warn" })).toEqual(
      {
        kind: "sandbox",
        port: 0,
        host: "127.0.0.1",
        seed: 7,
        logLevel: "warn",
      },
    );
    expect(readCommand(["--help"], {})).toEqual({ kind: "help" });
    expect(readCommand(["-v"], {})).toEqual({ kind: "version" });
  });

  it("reads the safety options, with safe defaults", () => {
    const defaults = readCommand([], {});
    expect(defaults.kind === "serve" && defaults.safety).toEqual({
      confirmMode: "auto",
      confirmKey: undefined,
      confirmTtlMs: 300_000,
      readOnly: false,
      allowTools: undefined,
      emailsPerUserPerMinute: 1,
      invitationsPerMinute: 10,
      auditFile: undefined,
    });
    expect(defaults.kind === "serve" && defaults.redirectHosts).toEqual(["contabo.com"]);
    expect(defaults.kind === "serve" && defaults.client.maxInFlight).toBe(8);
    const given = readCommand(
      [
        "--confirm",
        "token",
        "--confirm-ttl",
        "60",
        "--read-only",
        "--tools",
        "retrieve_*, delete_user",
        "--email-limit",
        "0",
        "--invite-limit",
        "3",
        "--redirect-hosts",
        "Example.ORG, bücher.example",
        "--upstream-concurrency",
        "2",
        "--audit-log",
        "/tmp/audit.jsonl",
      ],
      { CONTABO_MCP_CONFIRM_KEY: "shared" },
    );
    expect(given.kind === "serve" && given.safety).toEqual({
      confirmMode: "token",
      confirmKey: "shared",
      confirmTtlMs: 60_000,
      readOnly: true,
      allowTools: ["retrieve_*", "delete_user"],
      emailsPerUserPerMinute: 0,
      invitationsPerMinute: 3,
      auditFile: "/tmp/audit.jsonl",
    });
    // Hosts are compared in lower case and punycode.
    expect(given.kind === "serve" && given.redirectHosts).toEqual(["example.org", "xn--bcher-kva.example"]);
    expect(given.kind === "serve" && given.client.maxInFlight).toBe(2);
  });

  it.each([
    [["--confirm", "maybe"], /--confirm must be one of auto, elicit, token, off/],
    [["--email-limit", "lots"], /--email-limit must be a whole number/],
    [["--invite-limit", "many"], /--invite-limit must be a whole number/],
    [["--upstream-concurrency", "0"], /--upstream-concurrency must be a whole number from 1/],
    [["--redirect-hosts", "10.0.0.1"], /--redirect-hosts/],
    [["--nope"], /unknown option --nope/],
    [["--log-level", "loud"], /log level must be/],
    [["sandbox", "--port", "70000"], /--port must be a whole number/],
    [["--port", "3000"], /go with --http/],
    [["serve"], /unknown command: serve/],
  ])("refuses %j with a usage error", (argv, message) => {
    expect(() => readCommand(argv, {})).toThrow(UsageError);
    expect(() => readCommand(argv, {})).toThrow(message);
  });

  it("reads --http with its host, port, allowlists and MCP_HTTP_TOKEN", () => {
    expect(readCommand(["--http"], {})).toMatchObject({
      kind: "serve",
      http: { host: "127.0.0.1", port: 3000 },
    });
    const command = readCommand(
      [
        "--http",
        "--host",
        "0.0.0.0",
        "--port",
        "8443",
        "--allowed-hosts",
        "mcp.example.com",
        "--allowed-origins",
        "https://app.example.com",
        "--rate-limit",
        "120",
      ],
      { MCP_HTTP_TOKEN: "t0ken" },
    );
    expect(command.kind === "serve" && command.http).toEqual({
      host: "0.0.0.0",
      port: 8443,
      rateLimitPerMinute: 120,
      token: "t0ken",
      allowedHosts: ["mcp.example.com"],
      allowedOrigins: ["https://app.example.com"],
      oauth: undefined,
    });
    expect(() => readCommand(["--rate-limit", "5"], {})).toThrow("--rate-limit goes with --http");
    expect(readCommand(["--http"], {})).toMatchObject({ http: { rateLimitPerMinute: 0 } });
    expect(readCommand([], {})).toMatchObject({ kind: "serve", http: undefined });
  });

  it("takes --sandbox, --read-only and --confirm from the environment too (the MCP Bundle's settings)", () => {
    const command = readCommand([], {
      CONTABO_MCP_SANDBOX: "true",
      CONTABO_MCP_READ_ONLY: "true",
      CONTABO_MCP_CONFIRM: "token",
    });
    expect(command).toMatchObject({
      kind: "serve",
      sandbox: true,
      safety: { readOnly: true, confirmMode: "token" },
    });
    expect(readCommand([], { CONTABO_MCP_SANDBOX: "", CONTABO_MCP_READ_ONLY: "false" })).toMatchObject({
      sandbox: false,
      safety: { readOnly: false },
    });
    expect(() => readCommand([], { CONTABO_MCP_READ_ONLY: "yes please" })).toThrow(
      "CONTABO_MCP_READ_ONLY must be true or false",
    );
  });

  it("treats MCP Bundle placeholders of blank settings as unset", () => {
    /** What Claude Desktop passes for a setting left blank: the placeholder itself. */
    const placeholder = (key: string) => `\${user_config.${key}}`;
    const command = readCommand([], {
      CONTABO_CLIENT_ID: placeholder("client_id"),
      CONTABO_API_PASSWORD: placeholder("api_password"),
      CONTABO_MCP_READ_ONLY: placeholder("read_only"),
      CONTABO_MCP_CONFIRM: placeholder("confirm_mode"),
    });
    expect(command).toMatchObject({
      kind: "serve",
      client: { credentials: { clientId: undefined, password: undefined } },
      safety: { readOnly: false, confirmMode: "auto" },
    });
  });

  it("accepts --confirm elicit over stateless HTTP: 2026-07-28 clients answer forms on any replica", () => {
    expect(readCommand(["--http", "--confirm", "elicit"], {})).toMatchObject({
      safety: { confirmMode: "elicit" },
    });
  });

  it("reads the approval flags, with safe defaults, and team mode only with --http and --oauth-issuer", () => {
    expect(readCommand([], {})).toMatchObject({
      approvals: {
        ttlMs: 600_000,
        waitMs: 45_000,
        browser: true,
        fourEyes: ["grant-roles", "re-enable", "delete-user", "rotate-client-secret", "reveal-secret"],
      },
    });
    expect(readCommand(["--no-browser", "--approval-wait", "0", "--approval-ttl", "60"], {})).toMatchObject({
      approvals: { browser: false, waitMs: 0, ttlMs: 60_000 },
    });
    const team = [
      "--http",
      "--oauth-issuer",
      "https://id.example.com",
      "--public-url",
      "https://mcp.example.com/mcp",
      "--approval-client-id",
      "contabo-approvals",
    ];
    expect(
      readCommand(
        [...team, "--four-eyes", "delete-user", "--approval-webhook", "https://chat.example.com/hook"],
        {
          CONTABO_MCP_APPROVAL_CLIENT_SECRET: "s3cret",
        },
      ),
    ).toMatchObject({
      approvals: {
        fourEyes: ["delete-user"],
        webhook: "https://chat.example.com/hook",
        signIn: { clientId: "contabo-approvals", clientSecret: "s3cret" },
      },
    });
    expect(() => readCommand(["--approval-client-id", "x"], {})).toThrow(
      /goes with --http and --oauth-issuer/,
    );
    expect(() => readCommand(["--four-eyes", "delete-user"], {})).toThrow(/goes with --approval-client-id/);
    expect(() => readCommand([...team, "--four-eyes", "drop-tables"], {})).toThrow(UsageError);
    expect(() => readCommand([...team, "--approval-webhook", "http://chat.example.com/hook"], {})).toThrow(
      /https/,
    );
    expect(() => readCommand(["--approval-wait", "-1"], {})).toThrow(UsageError);
  });

  it("reports the package's version", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    expect(VERSION).toBe(pkg.version);
  });
});
