import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { onTestFinished } from "vitest";
import type { PasswordGrantCredentials } from "../../src/client/credentials.js";
import { TOKEN_PATH } from "../../src/contabo-api-schemas/token-url.js";
import { knownSecrets } from "../helpers/logs.js";
import { AWKWARD_CLIENT_SECRET, AWKWARD_PASSWORD, everyForm } from "./secret-forms.js";

/** Starts every error text of the upstream, so that a test can tell that the echo reached the client. */
export const ECHO_MARKER = "upstream echo:";
/** The subject of the access tokens the upstream issues: auth_status looks this user up. */
export const CALLER_ID = "4f0c6a52-1c1e-4b7a-9d55-2b1f3d0e8a61";

export interface EchoingUpstream {
  apiUrl: string;
  tokenUrl: string;
  /** The credentials to log in with; the client secret and password change under every encoding. */
  login: PasswordGrantCredentials;
}

/**
 * A Contabo on 127.0.0.1 that echoes the configured client secret and password in its errors, the
 * way a careless upstream or proxy does: the token endpoint refuses every login (`refuseLogin`) and
 * quotes the form it got in error_description; every API request fails with 500, its message
 * holding each secret plainly, URL-encoded, form-encoded and JSON-escaped (a plain-text body, cut
 * short of the client's 300 characters, for /v1/roles). Closed after the test.
 */
export async function useEchoingUpstream({
  refuseLogin,
}: {
  refuseLogin: boolean;
}): Promise<EchoingUpstream> {
  knownSecrets.add(AWKWARD_CLIENT_SECRET);
  knownSecrets.add(AWKWARD_PASSWORD);
  const server = createServer((req, res) => {
    readBody(req).then(
      (body) => (req.url === TOKEN_PATH ? answerToken(res, body, refuseLogin) : answerApi(req, res)),
      () => res.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl: origin,
    tokenUrl: `${origin}${TOKEN_PATH}`,
    login: {
      clientId: "echo-client",
      clientSecret: AWKWARD_CLIENT_SECRET,
      username: "api@example.com",
      password: AWKWARD_PASSWORD,
    },
  };
}

function answerToken(res: ServerResponse, form: string, refuseLogin: boolean): void {
  if (!refuseLogin) {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const accessToken = `${part({ alg: "none" })}.${part({ sub: CALLER_ID })}.unsigned`;
    sendJson(res, 200, { access_token: accessToken, expires_in: 300, token_type: "Bearer" });
    return;
  }
  const sent = { client_secret: AWKWARD_CLIENT_SECRET, password: AWKWARD_PASSWORD };
  sendJson(res, 401, {
    error: "invalid_client",
    error_description: `${ECHO_MARKER} form ${form}; as JSON ${JSON.stringify(sent)}; ${everyEcho()}`,
  });
}

function answerApi(req: IncomingMessage, res: ServerResponse): void {
  if (req.url?.startsWith("/v1/roles")) {
    const text = `${ECHO_MARKER} ${AWKWARD_CLIENT_SECRET} ${encodeURIComponent(AWKWARD_PASSWORD)} ${JSON.stringify(AWKWARD_CLIENT_SECRET)}`;
    res.writeHead(500, { "content-type": "text/plain", "content-length": Buffer.byteLength(text) });
    res.end(text);
    return;
  }
  sendJson(res, 500, { statusCode: 500, message: [`${ECHO_MARKER} ${everyEcho()}`, "try again"] });
}

function everyEcho(): string {
  return [AWKWARD_CLIENT_SECRET, AWKWARD_PASSWORD].flatMap(everyForm).join(" | ");
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
