import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { PasswordGrantCredentials } from "../client/credentials.js";
import { TOKEN_PATH } from "../contabo-api-schemas/token-url.js";
import { deliverFault, exampleEnvelope, faultStatus } from "./fault-delivery.js";
import { type Fault, FaultInjector } from "./faults.js";
import { SandboxHttpError } from "./http-error.js";
import { addOddRecords } from "./odd-records.js";
import { NO_QUERY, parseQuery } from "./query.js";
import { authenticate, checkRequestId, header, parseJsonBody, readBody } from "./request-checks.js";
import type { LoggedRequest } from "./request-log.js";
import { type Route, Router } from "./router.js";
import { apiClientRoutes } from "./routes/client-secret.js";
import { isPasswordSetRoutes } from "./routes/is-password-set.js";
import { objectStorageCredentialRoutes } from "./routes/object-storage-credentials.js";
import { roleRoutes } from "./routes/roles.js";
import { answerTokenRequest, type TokenLifetimes } from "./routes/token-endpoint.js";
import { userAuditRoutes } from "./routes/user-audits.js";
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
  /** Users in the seeded tenant, the owner included (default 25; benchmarks use 10,000). */
  userCount?: number;
  /** Seed of the fault injector's random choices. */
  faultSeed?: number;
  accessTokenTtlSeconds?: number;
  refreshTokenTtlSeconds?: number;
  now?: () => number;
  /**
   * Answer records the spec does not describe (names null or missing, an unknown locale, permission
   * action and audit action, a user without userId): see odd-records.ts.
   */
  oddRecords?: boolean;
}

export interface Sandbox {
  /** Base URL of the simulated API, e.g. http://127.0.0.1:43121 (use as CONTABO_API_URL). */
  apiUrl: string;
  /** The simulated Keycloak token endpoint (use as CONTABO_AUTH_URL). */
  tokenUrl: string;
  state: SandboxState;
  /** The requests received, oldest first (the last MAX_LOGGED_REQUESTS). */
  requestLog: LoggedRequest[];
  /** The login that the token endpoint accepts now (the client secret changes when it is rotated). */
  login(): PasswordGrantCredentials;
  /** Makes every token issued so far invalid, as if the session had ended. */
  revokeTokens(): void;
  /** Fault injection: add rules, clear them (optionally with a new seed), count what was injected. */
  faults: FaultInjector;
  /** TCP connections accepted so far: shows whether clients reuse their connections. */
  connections(): number;
  close(): Promise<void>;
}

const ALL_ROUTES: Route[] = [
  ...userRoutes,
  ...isPasswordSetRoutes,
  ...userEmailRoutes,
  ...apiClientRoutes,
  ...objectStorageCredentialRoutes,
  ...roleRoutes,
  ...userAuditRoutes,
];
const MAX_LOGGED_REQUESTS = 10_000;

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Deliver this fault instead of the answer. */
  fault?: Fault;
}

/** Starts the Users API simulator on 127.0.0.1: real HTTP, the spec's envelopes, checks and status codes. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const now = options.now ?? Date.now;
  const state = seedState(options.seed ?? DEFAULT_SEED, options.userCount);
  if (options.oddRecords) addOddRecords(state);
  const tokens = new SandboxTokens(now);
  const lifetimes: TokenLifetimes = {
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 300,
    refreshTokenTtlSeconds: options.refreshTokenTtlSeconds ?? 1800,
  };
  const router = new Router(ALL_ROUTES);
  const faults = new FaultInjector(options.faultSeed);
  const requestLog: LoggedRequest[] = [];

  const server = createServer((req, res) => {
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
    if (requestLog.length > MAX_LOGGED_REQUESTS)
      requestLog.splice(0, requestLog.length - MAX_LOGGED_REQUESTS);
    handle(req, url, entry)
      .catch((error: unknown): Answer => {
        if (error instanceof SandboxHttpError) {
          return {
            status: error.statusCode,
            body: { statusCode: error.statusCode, message: error.message },
            headers: error.headers,
          };
        }
        process.stderr.write(
          `sandbox: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
        );
        return { status: 500, body: { statusCode: 500, message: "Internal Server Error" }, headers: {} };
      })
      .then((answer) => {
        entry.status = answer.fault ? faultStatus(answer.fault) : answer.status;
        entry.fault = answer.fault?.kind;
        if (res.destroyed) return;
        if (answer.fault) deliverFault(res, answer.fault, answer);
        else send(res, answer.status, answer.body, answer.headers);
      });
  });

  async function handle(req: IncomingMessage, url: URL, entry: LoggedRequest): Promise<Answer> {
    const raw = await readBody(req);
    if (url.pathname === TOKEN_PATH && req.method === "POST") {
      const form = new URLSearchParams(raw);
      entry.body = { grant_type: form.get("grant_type") };
      return withFaults("POST token", async () =>
        answerTokenRequest(form, state, tokens, lifetimes, header(req, "authorization")),
      );
    }
    const caller = authenticate(req, tokens, state);
    entry.authorized = true;
    checkRequestId(entry.requestId);
    const body = parseJsonBody(req, raw);
    entry.body = body;
    const match = router.match(req.method ?? "GET", url.pathname);
    if (match.kind === "not-found") throw new SandboxHttpError(404, `Cannot ${req.method} ${url.pathname}`);
    if (match.kind === "method-not-allowed") {
      throw new SandboxHttpError(405, `Method ${req.method} is not allowed on ${url.pathname}`, {
        allow: match.allowed.join(", "),
      });
    }
    const { route, params } = match;
    return withFaults(`${route.method} ${route.pattern}`, async () => {
      const query = parseQuery(url.searchParams, route.query ?? NO_QUERY);
      return route.handle({
        params,
        query,
        rawQuery: url.searchParams,
        body,
        state,
        caller,
        requestId: entry.requestId ?? "",
        traceId: entry.traceId ?? "",
        now,
      });
    });
  }

  /** Runs an operation under the fault rules: a fault before it stops it, a fault after it loses its answer. */
  async function withFaults(route: string, operation: () => Promise<Answer>): Promise<Answer> {
    const [method = "GET", pattern = ""] = route.split(" ");
    const hit = faults.pick(method, pattern);
    if (hit?.fault.kind === "latency") {
      if (hit.phase === "before") await sleep(hit.fault.ms);
      const answer = await operation();
      if (hit.phase === "after") await sleep(hit.fault.ms);
      return answer;
    }
    if (hit?.fault.kind === "example-envelope") {
      const answer = await operation();
      return { ...answer, body: exampleEnvelope(answer.body) };
    }
    if (hit?.phase === "before") return { status: 0, fault: hit.fault };
    const answer = await operation();
    return hit ? { ...answer, fault: hit.fault } : answer;
  }

  let connections = 0;
  server.on("connection", () => {
    connections++;
  });
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
    faults,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
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
