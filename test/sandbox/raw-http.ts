import { randomUUID } from "node:crypto";
import { request } from "undici";
import type { Sandbox } from "../../src/sandbox/index.js";

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

/** Logs in at the sandbox's token endpoint with a form POST, as Keycloak's clients do. */
export async function tokenGrant(sandbox: Sandbox, fields: Record<string, string>): Promise<RawResponse> {
  return send(sandbox.tokenUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
}

/** The form fields of a password grant with the sandbox's current login. */
export function passwordGrantForm(sandbox: Sandbox): Record<string, string> {
  const login = sandbox.login();
  return {
    grant_type: "password",
    client_id: login.clientId,
    client_secret: login.clientSecret,
    username: login.username,
    password: login.password,
  };
}

export async function accessToken(sandbox: Sandbox): Promise<string> {
  const response = await tokenGrant(sandbox, passwordGrantForm(sandbox));
  return (response.json as { access_token: string }).access_token;
}

/** A raw HTTP call to the sandbox's API with a valid token and request id unless overridden. */
export async function call(
  sandbox: Sandbox,
  token: string,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string | undefined>; rawBody?: string } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = {};
  const given = { authorization: `Bearer ${token}`, "x-request-id": randomUUID(), ...options.headers };
  for (const [name, value] of Object.entries(given)) if (value !== undefined) headers[name] = value;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] = "application/json";
  }
  return send(`${sandbox.apiUrl}${path}`, { method, headers, body });
}

async function send(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
): Promise<RawResponse> {
  const response = await request(url, {
    method: init.method as "GET",
    headers: init.headers,
    body: init.body,
  });
  const text = await response.body.text();
  let json: unknown;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.statusCode, headers: response.headers, text, json };
}
