import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { REQUEST_ID_PATTERN } from "../spec/common.js";
import { TOKEN_PATH } from "../spec/token.js";
import { badRequest, SandboxHttpError } from "./http-error.js";
import type { LoggedRequest } from "./request-log.js";
import { type Route, Router } from "./router.js";
import { apiClientRoutes } from "./routes/api-client.js";
import { objectStorageCredentialRoutes } from "./routes/object-storage-credentials.js";
import { roleRoutes } from "./routes/roles.js";
import { answerTokenRequest, type TokenLifetimes } from "./routes/token-endpoint.js";
import { userEmailRoutes } from "./routes/user-emails.js";
import { userRoutes } from "./routes/users.js";
import { DEFAULT_SEED, seedState } from "./seed.js";
import type { SandboxState } from "./state.js";
import { SandboxTokens } from "./tokens.js";

export interface SandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Loopback only, unless you mean it. */
  host?: string;
  seed?: number;
  accessTokenTtlSeconds?: number;
  refreshTokenTtlSeconds?: number;
  now?: () => number;
}

export interface SandboxLogin {
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
}

export interface Sandbox {
  /** Base URL of the simulated API, e.g. http://127.0.0.1:43121 (use as CONTABO_API_URL). */
  apiUrl: string;
  /** The simulated Keycloak token endpoint (use as CONTABO_AUTH_URL). */
  tokenUrl: string;
  state: SandboxState;
  /** Every request received, oldest first. */
  requestLog: LoggedRequest[];
  /** The login that the token endpoint accepts now (the client secret changes when it is rotated). */
  login(): SandboxLogin;
  /** Makes every token issued so far invalid, as if the session had ended. */
  revokeTokens(): void;
  close(): Promise<void>;
}

const ALL_ROUTES: Route[] = [
  ...userRoutes,
  ...userEmailRoutes,
  ...apiClientRoutes,
  ...objectStorageCredentialRoutes,
  ...roleRoutes,
];
const MAX_BODY_BYTES = 1024 * 1024;

/** Starts the Users API simulator on 127.0.0.1: real HTTP, the spec's envelopes, checks and status codes. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const now = options.now ?? Date.now;
  const state = seedState(options.seed ?? DEFAULT_SEED);
  const tokens = new SandboxTokens(now);
  const lifetimes: TokenLifetimes = {
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 300,
    refreshTokenTtlSeconds: options.refreshTokenTtlSeconds ?? 1800,
  };
  const router = new Router(ALL_ROUTES);
  const requestLog: LoggedRequest[] = [];

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { statusCode: 500, message: "Internal Server Error" });
      process.stderr.write(
        `sandbox: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://sandbox");
    const entry: LoggedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.search,
      requestId: header(req, "x-request-id"),
      traceId: header(req, "x-trace-id"),
      authorized: false,
      status: 0,
      at: new Date(now()).toISOString(),
    };
    requestLog.push(entry);
    const answer = (status: number, body?: unknown, headers?: Record<string, string>) => {
      entry.status = status;
      send(res, status, body, headers);
    };
    try {
      const raw = await readBody(req);
      if (url.pathname === TOKEN_PATH && req.method === "POST") {
        const form = new URLSearchParams(raw);
        entry.body = { grant_type: form.get("grant_type") };
        const result = answerTokenRequest(form, state, tokens, lifetimes);
        answer(result.status, result.body);
        return;
      }
      const bearer = /^Bearer (.+)$/.exec(header(req, "authorization") ?? "")?.[1];
      const caller = bearer === undefined ? undefined : tokens.verify(bearer, "Bearer");
      if (!caller || !state.users.get(caller.sub)?.enabled) {
        answer(401, { statusCode: 401, message: "Unauthorized" });
        return;
      }
      entry.authorized = true;
      const requestId = entry.requestId;
      if (requestId === undefined || !REQUEST_ID_PATTERN.test(requestId)) {
        throw badRequest(
          requestId === undefined
            ? "x-request-id header is required"
            : "x-request-id must match ^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-5][0-9A-Fa-f]{3}-[089abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$",
        );
      }
      const body = parseJsonBody(req, raw);
      entry.body = body;
      const match = router.match(req.method ?? "GET", url.pathname);
      if (match.kind === "not-found") throw new SandboxHttpError(404, `Cannot ${req.method} ${url.pathname}`);
      if (match.kind === "method-not-allowed") {
        throw new SandboxHttpError(405, `Method ${req.method} is not allowed on ${url.pathname}`, {
          allow: match.allowed.join(", "),
        });
      }
      const result = match.route.handle({
        params: match.params,
        query: url.searchParams,
        body,
        state,
        caller,
      });
      answer(result.status, result.body);
    } catch (error) {
      if (!(error instanceof SandboxHttpError)) throw error;
      answer(error.statusCode, { statusCode: error.statusCode, message: error.message }, error.headers);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const apiUrl = `http://${host}:${address.port}`;

  return {
    apiUrl,
    tokenUrl: `${apiUrl}${TOKEN_PATH}`,
    state,
    requestLog,
    login: () => ({
      clientId: state.apiClient.clientId,
      clientSecret: state.apiClient.secret,
      ...state.apiLogin,
    }),
    revokeTokens: () => tokens.revokeAll(),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new SandboxHttpError(413, "Request body too large");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseJsonBody(req: IncomingMessage, raw: string): unknown {
  if (raw === "") return undefined;
  const type = header(req, "content-type") ?? "";
  if (!type.toLowerCase().startsWith("application/json")) {
    throw new SandboxHttpError(415, "Content-Type must be application/json");
  }
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw badRequest(`malformed JSON body: ${error instanceof Error ? error.message : "parse error"}`);
  }
}

function send(
  res: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void {
  if (body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}
