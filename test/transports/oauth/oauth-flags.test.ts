import { describe, expect, it } from "vitest";
import { readCommand, UsageError } from "../../../src/config.js";

const TOKEN = "0123456789abcdef0123456789abcdef-token";

function http(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const command = readCommand(["--http", ...argv], env);
  if (command.kind !== "serve") throw new Error(`unexpected ${command.kind}`);
  return command.http;
}

describe("--oauth-issuer, --public-url, --oauth-audience", () => {
  it("turn OAuth on, with the public URL as the audience unless --oauth-audience names another", () => {
    expect(http([])?.oauth).toBeUndefined();
    expect(
      http([
        "--oauth-issuer",
        "https://login.example.com/realms/ops",
        "--public-url",
        "https://mcp.example.com/mcp",
      ])?.oauth,
    ).toEqual({
      issuer: "https://login.example.com/realms/ops",
      resource: "https://mcp.example.com/mcp",
      audience: "https://mcp.example.com/mcp",
    });
    const withAudience = http([
      "--oauth-issuer=https://login.example.com",
      "--public-url=https://mcp.example.com",
      "--oauth-audience=api://contabo-users",
    ])?.oauth;
    // The issuer is kept exactly as given (it is compared with `iss` as a string); the URL is normalised.
    expect(withAudience).toEqual({
      issuer: "https://login.example.com",
      resource: "https://mcp.example.com/",
      audience: "api://contabo-users",
    });
    expect(
      http(["--oauth-issuer", "http://127.0.0.1:9000", "--public-url", "http://localhost:3000/mcp"])?.oauth
        ?.issuer,
    ).toBe("http://127.0.0.1:9000");
  });

  it("refuse bad combinations and bad URLs with a clear usage error", () => {
    const cases: Array<[string[], NodeJS.ProcessEnv, string]> = [
      [["--oauth-issuer", "https://login.example.com"], {}, "--oauth-issuer needs --public-url"],
      [
        ["--public-url", "https://mcp.example.com/mcp"],
        {},
        "--public-url and --oauth-audience go with --oauth-issuer",
      ],
      [
        ["--oauth-issuer", "https://login.example.com", "--public-url", "https://mcp.example.com/mcp"],
        { MCP_HTTP_TOKEN: TOKEN },
        "MCP_HTTP_TOKEN and --oauth-issuer exclude each other",
      ],
      [
        ["--oauth-issuer", "http://login.example.com", "--public-url", "https://mcp.example.com/mcp"],
        {},
        "--oauth-issuer must use https (plain http only on a loopback host)",
      ],
      [
        ["--oauth-issuer", "https://login.example.com", "--public-url", "http://mcp.example.com/mcp"],
        {},
        "--public-url must use https",
      ],
      [
        ["--oauth-issuer", "login.example.com", "--public-url", "https://m.example.com"],
        {},
        "is not a valid URL",
      ],
      [
        ["--oauth-issuer", "https://login.example.com/?tenant=1", "--public-url", "https://m.example.com"],
        {},
        "--oauth-issuer must not carry a query, a fragment or credentials",
      ],
      [
        ["--oauth-issuer", "https://login.example.com", "--public-url", "https://m.example.com/mcp#x"],
        {},
        "--public-url must not carry a query",
      ],
      [
        [
          "--oauth-issuer",
          "https://login.example.com",
          "--public-url",
          "https://m.example.com",
          "--oauth-audience",
          " ",
        ],
        {},
        "--oauth-audience must not be empty",
      ],
    ];
    for (const [argv, env, message] of cases) {
      expect(() => http(argv, env), argv.join(" ")).toThrow(UsageError);
      expect(() => http(argv, env), argv.join(" ")).toThrow(message);
    }
    expect(() => readCommand(["--oauth-issuer", "https://login.example.com"], {})).toThrow(
      "--oauth-issuer, --public-url and --oauth-audience go with --http",
    );
  });
});
