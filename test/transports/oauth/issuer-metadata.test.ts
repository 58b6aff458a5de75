import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { buildDiscoveryUrls } from "@modelcontextprotocol/client";
import { describe, expect, it, onTestFinished } from "vitest";
import { HttpGuards } from "../../../src/transports/http-guards.js";
import { discoverIssuerMetadata, metadataUrls } from "../../../src/transports/oauth/issuer-metadata.js";

/** A loopback server answering each path with the given status and JSON (404 for others); it logs the paths asked. */
async function fakeIssuer(documents: (origin: string) => Record<string, [number, unknown]>) {
  const asked: string[] = [];
  let origin = "";
  const server = createServer((req, res) => {
    asked.push(req.url ?? "");
    const [status, body] = documents(origin)[req.url ?? ""] ?? [404, { error: "not found" }];
    res.writeHead(status, { "content-type": "application/json", location: `${origin}/elsewhere` });
    res.end(typeof body === "string" ? body : JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, asked };
}

describe("issuer metadata discovery", () => {
  it("tries the same well-known URLs, in the same order, as the SDK's client", () => {
    for (const issuer of [
      "https://login.example.com",
      "https://login.example.com/",
      "https://login.example.com/realms/ops",
      "https://login.example.com/tenant/",
    ]) {
      expect(
        metadataUrls(issuer).map((url) => url.href),
        issuer,
      ).toEqual(buildDiscoveryUrls(issuer).map((entry) => entry.url.href));
    }
    expect(metadataUrls("https://login.example.com/realms/ops").map((url) => url.pathname)).toEqual([
      "/.well-known/oauth-authorization-server/realms/ops",
      "/.well-known/openid-configuration/realms/ops",
      "/realms/ops/.well-known/openid-configuration",
    ]);
  });

  it("falls back to OpenID discovery, and checks that the document names this very issuer", async () => {
    const { origin, asked } = await fakeIssuer((origin) => ({
      "/realms/ops/.well-known/openid-configuration": [
        200,
        {
          issuer: `${origin}/realms/ops`,
          jwks_uri: `${origin}/realms/ops/certs`,
          token_endpoint: `${origin}/t`,
        },
      ],
    }));
    const metadata = await discoverIssuerMetadata(`${origin}/realms/ops`);
    expect(metadata.jwks_uri).toBe(`${origin}/realms/ops/certs`);
    expect(asked).toEqual([
      "/.well-known/oauth-authorization-server/realms/ops",
      "/.well-known/openid-configuration/realms/ops",
      "/realms/ops/.well-known/openid-configuration",
    ]);
    await expect(discoverIssuerMetadata(`${origin}/realms/ops/`)).rejects.toThrow(
      `the metadata at ${origin}/realms/ops/.well-known/openid-configuration is for issuer "${origin}/realms/ops", not "${origin}/realms/ops/"`,
    );
  });

  it("refuses a document without jwks_uri, a jwks_uri over plain http elsewhere, and does not follow redirects", async () => {
    const { origin } = await fakeIssuer((origin) => ({
      "/.well-known/oauth-authorization-server/a": [200, { issuer: `${origin}/a` }],
      "/.well-known/oauth-authorization-server/b": [
        200,
        { issuer: `${origin}/b`, jwks_uri: "http://keys.example.com/jwks" },
      ],
      "/.well-known/oauth-authorization-server/c": [302, {}],
      "/.well-known/oauth-authorization-server/d": [200, "<html>"],
    }));
    await expect(discoverIssuerMetadata(`${origin}/a`)).rejects.toThrow("is invalid: jwks_uri");
    await expect(discoverIssuerMetadata(`${origin}/b`)).rejects.toThrow(
      "the OAuth issuer's jwks_uri must use https: http://keys.example.com/jwks",
    );
    await expect(discoverIssuerMetadata(`${origin}/c`)).rejects.toThrow(
      `${origin}/.well-known/oauth-authorization-server/c: HTTP 302`,
    );
    await expect(discoverIssuerMetadata(`${origin}/d`)).rejects.toThrow(
      `${origin}/.well-known/oauth-authorization-server/d: not JSON`,
    );
  });
});

describe("HTTP guards with OAuth", () => {
  const oauth = {
    issuer: "https://login.example.com",
    resource: "https://mcp.example.com/mcp",
    audience: "https://mcp.example.com/mcp",
  };
  const request = (host: string) => ({ headers: { host } }) as IncomingMessage;

  it("count OAuth as authentication, exclude the static token, and accept the public URL's host on loopback", () => {
    expect(() => new HttpGuards({ host: "0.0.0.0", oauth })).not.toThrow();
    expect(() => new HttpGuards({ host: "127.0.0.1", oauth, token: "x".repeat(40) })).toThrow(
      "MCP_HTTP_TOKEN and --oauth-issuer exclude each other",
    );
    const guards = new HttpGuards({ host: "127.0.0.1", oauth });
    expect(guards.check(request("mcp.example.com"))).toEqual({ ok: true });
    expect(guards.check(request("127.0.0.1:3000"))).toEqual({ ok: true });
    expect(guards.check(request("evil.example.com"))).toMatchObject({ ok: false, status: 403 });
  });
});
