import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload, SignJWT } from "jose";
import Provider, { errors } from "oidc-provider";
import { onTestFinished } from "vitest";
import { APPROVE_SCOPE } from "../../../src/approvals/sign-in.js";
import { READ_SCOPE, SCOPES } from "../../../src/safety/scope-policy.js";

/** A client of the authorization server: `agent` may get every scope, `reader` only read. */
export interface TestClient {
  id: string;
  secret: string;
}

/**
 * Team mode's sign-in: an `approvals` client (authorization code with PKCE) and a login page that
 * takes any name; the provider grants the approve scope only to `approvers`, and puts `groups` in
 * the ID token.
 */
export interface ApproverSignIn {
  redirectUri: string;
  approvers: readonly string[];
  groups?: Record<string, string[]>;
}

export interface AuthorizationServer {
  /** The issuer, as the provider names itself (no trailing slash). */
  issuer: string;
  agent: TestClient;
  reader: TestClient;
  /** With `signIn`: the client the MCP server's approval pages sign approvers in with. */
  approvals: TestClient;
  /** How many times the key set (JWKS) was fetched. */
  jwksFetches(): number;
  /** An access token from the token endpoint: client_credentials with `resource` and `scope`. */
  token(client: TestClient, scope: string, resource?: string): Promise<string>;
  /** A JWT signed with the provider's current signing key (or `key`), with these claims over sane defaults. */
  mint(claims: JWTPayload, options?: { key?: SigningKey; alg?: string }): Promise<string>;
  /** Publishes a new signing key (the old one stays published) and signs new tokens with it. */
  rotateSigningKey(): Promise<void>;
  /** From now on every request, the key set's included, gets 503. */
  goDown(): void;
}

export interface SigningKey {
  /** The private JWK, with kid, alg and use. */
  jwk: JWK;
}

/** An RS256 key pair as a private JWK with a fresh kid. */
export async function newSigningKey(kid: string = randomUUID()): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  return { jwk: { ...(await exportJWK(privateKey)), kid, alg: "RS256", use: "sig" } };
}

/**
 * A real OpenID provider (`oidc-provider`) on 127.0.0.1 for one test: client credentials, resource
 * indicators, JWT access tokens for `audience` only. Rotating the key swaps in a provider with the
 * new key first, behind the same address, as an issuer does when it rolls its keys.
 */
export async function startAuthorizationServer(
  audience: string,
  signIn?: ApproverSignIn,
): Promise<AuthorizationServer> {
  const agent = { id: "agent", secret: randomBytes(24).toString("base64url") };
  const reader = { id: "reader", secret: randomBytes(24).toString("base64url") };
  const approvals = { id: "approvals", secret: randomBytes(24).toString("base64url") };
  let jwksFetches = 0;
  let handler: ReturnType<Provider["callback"]> | undefined;
  let current: Provider | undefined;
  const front = createServer((req, res) => {
    if (req.url === "/jwks") jwksFetches++;
    if (req.url?.startsWith("/interaction/") && current && signIn) {
      loginInteraction(current, signIn, req, res).catch((error: unknown) => {
        console.error("interaction failed", error);
        res.writeHead(500).end();
      });
      return;
    }
    if (handler) handler(req, res);
    else res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
  onTestFinished(() => new Promise<void>((resolve) => front.close(() => resolve())));
  const issuer = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;

  let keys = [await newSigningKey()];
  const install = () => {
    const signingKid = keys[0]?.jwk.kid;
    const provider = new Provider(issuer, {
      clients: [
        ...[agent, reader].map((client) => ({
          client_id: client.id,
          client_secret: client.secret,
          grant_types: ["client_credentials"],
          redirect_uris: [],
          response_types: [],
          token_endpoint_auth_method: "client_secret_basic",
        })),
        ...(signIn
          ? [
              {
                client_id: approvals.id,
                client_secret: approvals.secret,
                grant_types: ["authorization_code"],
                redirect_uris: [signIn.redirectUri],
                response_types: ["code"],
                token_endpoint_auth_method: "client_secret_post",
              },
            ]
          : []),
      ],
      scopes: ["openid", APPROVE_SCOPE],
      claims: { openid: ["sub", "groups"] },
      findAccount: (_ctx, sub) => ({
        accountId: sub,
        claims: () => ({ sub, groups: signIn?.groups?.[sub] ?? [] }),
      }),
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      pkce: { required: () => true },
      jwks: { keys: keys.map((key) => ({ ...key.jwk })) },
      ttl: { ClientCredentials: 300 },
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        resourceIndicators: {
          enabled: true,
          // The approvals client signs people in: its tokens are for the provider itself, not the MCP server.
          defaultResource: (_ctx, client) => (client?.clientId === approvals.id ? undefined : audience),
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx, resource, client) => {
            if (resource !== audience) throw new errors.InvalidTarget(`unknown resource ${resource}`);
            return {
              scope: client.clientId === reader.id ? READ_SCOPE : SCOPES.join(" "),
              audience,
              accessTokenFormat: "jwt",
              accessTokenTTL: 300,
              jwt: { sign: { alg: "RS256", kid: signingKid } },
            };
          },
        },
      },
    });
    provider.on("server_error", (_ctx, error) => console.error("oidc-provider server_error", error));
    handler = provider.callback();
    current = provider;
  };
  install();

  return {
    issuer,
    agent,
    reader,
    approvals,
    jwksFetches: () => jwksFetches,
    async token(client, scope, resource = audience) {
      const response = await fetch(`${issuer}/token`, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString("base64")}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ grant_type: "client_credentials", resource, scope }),
      });
      const body = (await response.json()) as { access_token?: string; error_description?: string };
      if (!response.ok || body.access_token === undefined) {
        throw new Error(`token endpoint answered ${response.status}: ${body.error_description}`);
      }
      return body.access_token;
    },
    async mint(claims, options = {}) {
      const key = options.key ?? keys[0];
      if (!key) throw new Error("no signing key");
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({
        iss: issuer,
        aud: audience,
        sub: agent.id,
        client_id: agent.id,
        iat: now,
        exp: now + 300,
        scope: SCOPES.join(" "),
        ...claims,
      })
        .setProtectedHeader({ alg: options.alg ?? "RS256", kid: key.jwk.kid, typ: "at+jwt" })
        .sign(await importJWK(key.jwk, options.alg ?? "RS256"));
    },
    async rotateSigningKey() {
      keys = [await newSigningKey(), ...keys];
      install();
    },
    goDown() {
      handler = undefined;
    },
  };
}

/**
 * The provider's login page: a name field (any name signs in as that subject); on submit, a grant
 * with `openid`, plus the approve scope for approvers.
 */
async function loginInteraction(
  provider: Provider,
  signIn: ApproverSignIn,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (req.method === "GET") {
    res
      .writeHead(200, { "content-type": "text/html; charset=utf-8" })
      .end(
        `<!doctype html><title>Test provider sign-in</title><form method="post" action="/interaction/${details.uid}"><label>Name <input name="login"></label><button type="submit">Sign in</button></form>`,
      );
    return;
  }
  let body = "";
  for await (const chunk of req) body += String(chunk);
  const login = new URLSearchParams(body).get("login") ?? "";
  const grant = new provider.Grant({ accountId: login, clientId: String(details.params.client_id) });
  if (signIn.approvers.includes(login)) grant.addOIDCScope(`openid ${APPROVE_SCOPE}`);
  else {
    grant.addOIDCScope("openid");
    grant.rejectOIDCScope(APPROVE_SCOPE);
  }
  grant.addOIDCClaims(["groups"]);
  const grantId = await grant.save();
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: login }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
}

/** A port free on 127.0.0.1 right now: our server's public URL must be known before it starts. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
