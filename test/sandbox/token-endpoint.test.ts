import { request } from "undici";
import { describe, expect, it } from "vitest";
import { parseBasic } from "../../src/sandbox/routes/token-endpoint.js";
import { useSandbox } from "../helpers/sandbox.js";
import { call, passwordGrantForm, tokenGrant } from "./raw-http.js";

type Sandbox = Awaited<ReturnType<typeof useSandbox>>;

/** A token request with a raw form body and any headers (Basic auth, repeated fields). */
async function post(sandbox: Sandbox, body: string, headers: Record<string, string> = {}) {
  const response = await request(sandbox.tokenUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body,
  });
  const text = await response.body.text();
  return {
    status: response.statusCode,
    headers: response.headers,
    text,
    json: text === "" ? undefined : (JSON.parse(text) as unknown),
  };
}

/** RFC 6749 §2.3.1: each part form-URL-encoded, then `id:secret` in Base64. */
function basic(id: string, secret: string): string {
  const encode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
  return `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`).toString("base64")}`;
}

function claimsOf(token: unknown): Record<string, unknown> {
  return JSON.parse(Buffer.from(String(token).split(".")[1] ?? "", "base64url").toString()) as Record<
    string,
    unknown
  >;
}

const REFUSED_CLIENT = "Invalid client or Invalid client credentials";

describe("sandbox token endpoint: answers as current Keycloak does", () => {
  it("refuses a wrong or missing client secret with 401 unauthorized_client", async () => {
    const sandbox = await useSandbox();
    const form = passwordGrantForm(sandbox);
    const wrong = await tokenGrant(sandbox, { ...form, client_secret: "wrong" });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({ error: "unauthorized_client", error_description: REFUSED_CLIENT });
    const { client_secret: _omitted, ...withoutSecret } = form;
    const missing = await tokenGrant(sandbox, withoutSecret);
    expect(missing.status).toBe(401);
    expect(missing.json).toEqual({ error: "unauthorized_client", error_description: REFUSED_CLIENT });
  });

  it("refuses an unknown client with 401 invalid_client, and a missing client_id with 400", async () => {
    const sandbox = await useSandbox();
    const form = passwordGrantForm(sandbox);
    const unknown = await tokenGrant(sandbox, { ...form, client_id: "nobody" });
    expect(unknown.status).toBe(401);
    expect(unknown.json).toEqual({ error: "invalid_client", error_description: REFUSED_CLIENT });
    const { client_id: _omitted, ...withoutId } = form;
    const missing = await tokenGrant(sandbox, withoutId);
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({
      error: "invalid_client",
      error_description: "Missing client_id parameter",
    });
  });

  it("checks grant_type before the client", async () => {
    const sandbox = await useSandbox();
    const { grant_type: _omitted, ...form } = passwordGrantForm(sandbox);
    for (const fields of [form, { ...form, client_secret: "wrong" }]) {
      const missing = await tokenGrant(sandbox, fields);
      expect(missing.status).toBe(400);
      expect(missing.json).toEqual({
        error: "invalid_request",
        error_description: "Missing form parameter: grant_type",
      });
    }
    const unsupported = await tokenGrant(sandbox, { ...form, client_secret: "wrong", grant_type: "magic" });
    expect(unsupported.status).toBe(400);
    expect(unsupported.json).toEqual({
      error: "unsupported_grant_type",
      error_description: "Unsupported grant_type",
    });
  });

  it("answers user errors as the direct-grant authenticators do", async () => {
    const sandbox = await useSandbox();
    const form = passwordGrantForm(sandbox);
    const wrongPassword = await tokenGrant(sandbox, { ...form, password: "wrong" });
    expect(wrongPassword.status).toBe(401);
    expect(wrongPassword.json).toEqual({
      error: "invalid_grant",
      error_description: "Invalid user credentials",
    });
    const unknownUser = await tokenGrant(sandbox, { ...form, username: "nobody@example.com" });
    expect(unknownUser.status).toBe(401);
    expect(unknownUser.json).toEqual({
      error: "invalid_grant",
      error_description: "Invalid user credentials",
    });
    const { password: _p, ...withoutPassword } = form;
    const noPassword = await tokenGrant(sandbox, withoutPassword);
    expect(noPassword.status).toBe(401);
    expect(noPassword.json).toEqual({
      error: "invalid_grant",
      error_description: "Invalid user credentials",
    });
    const { username: _u, ...withoutUsername } = form;
    const noUsername = await tokenGrant(sandbox, withoutUsername);
    expect(noUsername.status).toBe(401);
    expect(noUsername.json).toEqual({
      error: "invalid_request",
      error_description: "Missing parameter: username",
    });
  });

  it("names a disabled account before checking the password, and refuses its refresh token", async () => {
    const sandbox = await useSandbox();
    const form = passwordGrantForm(sandbox);
    const first = (await tokenGrant(sandbox, form)).json as { refresh_token: string };
    const user = sandbox.state.findUserByEmail(form.username ?? "");
    if (!user) throw new Error("the login's user");
    user.enabled = false;
    for (const password of [form.password ?? "", "wrong"]) {
      const disabled = await tokenGrant(sandbox, { ...form, password });
      expect(disabled.status).toBe(400);
      expect(disabled.json).toEqual({ error: "invalid_grant", error_description: "Account disabled" });
    }
    const refresh = await tokenGrant(sandbox, {
      grant_type: "refresh_token",
      client_id: form.client_id ?? "",
      client_secret: form.client_secret ?? "",
      refresh_token: first.refresh_token,
    });
    expect(refresh.status).toBe(400);
    expect(refresh.json).toEqual({ error: "invalid_grant", error_description: "User disabled" });
  });

  it("answers a refresh without refresh_token with invalid_request", async () => {
    const sandbox = await useSandbox();
    const form = passwordGrantForm(sandbox);
    const response = await tokenGrant(sandbox, {
      grant_type: "refresh_token",
      client_id: form.client_id ?? "",
      client_secret: form.client_secret ?? "",
    });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error: "invalid_request", error_description: "No refresh token" });
  });

  it("compares usernames case-insensitively", async () => {
    const sandbox = await useSandbox();
    const form = passwordGrantForm(sandbox);
    const owner = sandbox.state.findUserByEmail(form.username ?? "");
    const shouted = await tokenGrant(sandbox, { ...form, username: (form.username ?? "").toUpperCase() });
    expect(shouted.status).toBe(200);
    const token = (shouted.json as { access_token: string }).access_token;
    expect(claimsOf(token).sub).toBe(owner?.userId);
    expect((await call(sandbox, token, "GET", "/v1/users/client")).status).toBe(200);
  });

  it("accepts client_secret_basic, with the id and secret URL-encoded (RFC 6749 §2.3.1)", async () => {
    const sandbox = await useSandbox();
    const login = sandbox.login();
    const user = new URLSearchParams({
      grant_type: "password",
      username: login.username,
      password: login.password,
    }).toString();
    const ok = await post(sandbox, user, { authorization: basic(login.clientId, login.clientSecret) });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ token_type: "Bearer" });
    const lowerScheme = await post(sandbox, user, {
      authorization: basic(login.clientId, login.clientSecret).replace("Basic", "basic"),
    });
    expect(lowerScheme.status).toBe(200);
    const wrong = await post(sandbox, user, { authorization: basic(login.clientId, "wrong") });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({ error: "unauthorized_client", error_description: REFUSED_CLIENT });
  });

  it("with Basic and form both, takes each form field over the header's part", async () => {
    const sandbox = await useSandbox();
    const login = sandbox.login();
    const grant = { grant_type: "password", username: login.username, password: login.password };
    // The header's secret is wrong, the form's right: the form wins.
    const formWins = await post(
      sandbox,
      new URLSearchParams({
        ...grant,
        client_id: login.clientId,
        client_secret: login.clientSecret,
      }).toString(),
      { authorization: basic(login.clientId, "wrong") },
    );
    expect(formWins.status).toBe(200);
    // The other way round: the form's wrong secret is used.
    const formLoses = await post(
      sandbox,
      new URLSearchParams({ ...grant, client_id: login.clientId, client_secret: "wrong" }).toString(),
      { authorization: basic(login.clientId, login.clientSecret) },
    );
    expect(formLoses.status).toBe(401);
    expect(formLoses.json).toMatchObject({ error: "unauthorized_client" });
    // Only a client_id in the form: the secret comes from the header.
    const mixed = await post(
      sandbox,
      new URLSearchParams({ ...grant, client_id: login.clientId }).toString(),
      {
        authorization: basic(login.clientId, login.clientSecret),
      },
    );
    expect(mixed.status).toBe(200);
  });

  it("challenges an Authorization header that is not Basic unless the form names the client", async () => {
    const sandbox = await useSandbox();
    const form = passwordGrantForm(sandbox);
    const { client_id: _i, client_secret: _s, ...userOnly } = form;
    const challenged = await post(sandbox, new URLSearchParams(userOnly).toString(), {
      authorization: "Negotiate abc",
    });
    expect(challenged.status).toBe(401);
    expect(challenged.headers["www-authenticate"]).toBe('Basic realm="contabo"');
    expect(challenged.text).toBe("");
    const fallsBack = await post(sandbox, new URLSearchParams(form).toString(), {
      authorization: "Negotiate abc",
    });
    expect(fallsBack.status).toBe(200);
  });

  it("refuses a parameter given twice", async () => {
    const sandbox = await useSandbox();
    const body = `${new URLSearchParams(passwordGrantForm(sandbox)).toString()}&username=other@example.com`;
    const response = await post(sandbox, body);
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error: "invalid_request", error_description: "duplicated parameter" });
  });

  it("issues integer NumericDates and Keycloak's response fields, never to be cached", async () => {
    const clock = 1_700_000_000_123.4;
    const sandbox = await useSandbox({
      now: () => clock,
      accessTokenTtlSeconds: 300,
      refreshTokenTtlSeconds: 1800,
    });
    const response = await tokenGrant(sandbox, passwordGrantForm(sandbox));
    expect(response.status).toBe(200);
    expect(response.headers["cache-control"]).toBe("no-store");
    expect(response.headers.pragma).toBe("no-cache");
    const body = response.json as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(
      [
        "access_token",
        "expires_in",
        "refresh_expires_in",
        "refresh_token",
        "token_type",
        "not-before-policy",
        "session_state",
        "scope",
      ].sort(),
    );
    expect(body).toMatchObject({ expires_in: 300, refresh_expires_in: 1800, token_type: "Bearer" });
    const access = claimsOf(body.access_token);
    const refresh = claimsOf(body.refresh_token);
    expect(access).toMatchObject({ iat: 1_700_000_000, exp: 1_700_000_300, typ: "Bearer" });
    expect(refresh).toMatchObject({ iat: 1_700_000_000, exp: 1_700_001_800, typ: "Refresh" });
    expect(body.scope).toBe("profile email");
    expect(access.sid).toBe(body.session_state);
    expect(refresh.sid).toBe(body.session_state);
  });

  it("keeps the session across a refresh, and starts a new one at each login", async () => {
    const sandbox = await useSandbox();
    const form = passwordGrantForm(sandbox);
    const first = (await tokenGrant(sandbox, form)).json as { refresh_token: string; session_state: string };
    const second = (await tokenGrant(sandbox, form)).json as { session_state: string };
    expect(second.session_state).not.toBe(first.session_state);
    const refreshed = await tokenGrant(sandbox, {
      grant_type: "refresh_token",
      client_id: form.client_id ?? "",
      client_secret: form.client_secret ?? "",
      refresh_token: first.refresh_token,
    });
    expect(refreshed.status).toBe(200);
    expect((refreshed.json as { session_state: string }).session_state).toBe(first.session_state);
  });

  it('adds "openid" to the scope only when the login asked for it, and keeps it at a refresh', async () => {
    const sandbox = await useSandbox();
    const form = passwordGrantForm(sandbox);
    const login = (await tokenGrant(sandbox, { ...form, scope: "openid" })).json as {
      refresh_token: string;
      scope: string;
    };
    expect(login.scope).toBe("openid profile email");
    const refreshed = await tokenGrant(sandbox, {
      grant_type: "refresh_token",
      client_id: form.client_id ?? "",
      client_secret: form.client_secret ?? "",
      refresh_token: login.refresh_token,
    });
    expect((refreshed.json as { scope: string }).scope).toBe("openid profile email");
  });

  it("sends no-store on errors too", async () => {
    const sandbox = await useSandbox();
    const response = await tokenGrant(sandbox, { ...passwordGrantForm(sandbox), password: "wrong" });
    expect(response.headers["cache-control"]).toBe("no-store");
  });
});

describe("parseBasic (Keycloak's BasicAuthHelper.RFC6749)", () => {
  it("URL-decodes both parts, '+' as a space", () => {
    expect(parseBasic(basic("id:with colon", "s%e+c/ret ü"))).toEqual(["id:with colon", "s%e+c/ret ü"]);
    const raw = `Basic ${Buffer.from("a+b:c%3Ad").toString("base64")}`;
    expect(parseBasic(raw)).toEqual(["a b", "c:d"]);
  });

  it("refuses what is not Basic, has no colon, or does not decode", () => {
    expect(parseBasic("Bearer abc")).toBeUndefined();
    expect(parseBasic("Basic")).toBeUndefined();
    expect(parseBasic(`Basic ${Buffer.from("nocolon").toString("base64")}`)).toBeUndefined();
    expect(parseBasic("Basic !!!")).toBeUndefined();
    expect(parseBasic(`Basic ${Buffer.from("a:%zz").toString("base64")}`)).toBeUndefined();
  });
});
