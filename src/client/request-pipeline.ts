import type { Dispatcher } from "undici";
import { v4 as uuidv4 } from "uuid";
import type { z } from "zod";
import type { HttpMethod } from "../contabo-api-schemas/common.js";
import type { ServerEvents } from "../metrics/events.js";
import { type Logger, silentLogger } from "../shared/log.js";
import type { SecretRedactor } from "../shared/secrets.js";
import { SERVER_NAME, VERSION } from "../version.js";
import { asAbortError, sleep } from "./abortable.js";
import { joinedUrl, joinUrl } from "./base-url.js";
import { ConcurrencyLimit, DEFAULT_MAX_IN_FLIGHT } from "./concurrency-limit.js";
import { ContaboNetworkError, describeNetworkError } from "./errors.js";
import { apiError, parseSuccessBody } from "./response.js";
import {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  failedBeforeSending,
  isRetryableStatus,
  parseRetryAfterMs,
  type RetryPolicy,
} from "./retry-policy.js";
import type { TokenProvider } from "./token-provider.js";
import { type DispatcherSource, resolveDispatcher, undici } from "./undici.js";

export type QueryValue = string | number | boolean | readonly string[] | undefined;

export interface ApiRequest<S extends z.ZodType | undefined> {
  method: HttpMethod;
  /** Built with apiPath so that every id is one encoded segment. */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** Schema of the success body; undefined when the operation answers 204 with no body. */
  response: S;
  signal?: AbortSignal;
}

export interface ApiResponse<T> {
  body: T;
  /** Method and path, e.g. "GET /v1/users/…", for messages. */
  operation: string;
  status: number;
  /** The x-request-id of the attempt that succeeded. */
  requestId: string;
}

export type ResponseBody<S extends z.ZodType | undefined> = S extends z.ZodType ? z.output<S> : undefined;

export interface RequestPipelineOptions {
  baseUrl: URL;
  tokens: TokenProvider;
  dispatcher: DispatcherSource;
  /** Sent as x-trace-id on every request: one value for the whole server process. */
  traceId: string;
  retry?: RetryPolicy;
  /** A call (all its attempts and waits) gives up after this long. */
  callBudgetMs?: number;
  logger?: Logger;
  random?: () => number;
  /** Learns the secrets in responses (secret, secretKey …) so that no log or error shows them. */
  redactor?: SecretRedactor;
  /** How to wait between attempts (tests record the waits instead of sleeping). */
  wait?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** At most this many requests to the API outstanding at once, across all callers; the others queue. */
  maxInFlight?: number;
  /** Told of every answer (or network failure, status 0) of the API, for metrics. */
  events?: Pick<ServerEvents, "upstreamResponse">;
}

export const DEFAULT_CALL_BUDGET_MS = 60_000;

/** What one attempt gave: an HTTP answer with its whole body, or a network failure. */
type Attempt =
  | { kind: "answer"; status: number; text: string; retryAfter: string | string[] | undefined }
  | { kind: "failure"; error: unknown; stage: "request" | "body"; status?: number };

/**
 * The one way requests reach the Contabo API: bearer token, fresh x-request-id, constant x-trace-id,
 * one re-authentication after a 401, retries only where they are safe and fit in the call's time
 * budget, at most `maxInFlight` requests outstanding (each attempt queues for a slot of its own, and
 * no slot is held while waiting to retry), and every failure turned into a typed ContaboError.
 */
export class RequestPipeline {
  private readonly retry: RetryPolicy;
  private readonly logger: Logger;
  private readonly random: () => number;
  private readonly wait: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly inFlight: ConcurrencyLimit;

  constructor(private readonly options: RequestPipelineOptions) {
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.logger = options.logger ?? silentLogger;
    this.random = options.random ?? Math.random;
    this.wait = options.wait ?? sleep;
    this.inFlight = new ConcurrencyLimit(options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
  }

  async send<S extends z.ZodType | undefined>(spec: ApiRequest<S>): Promise<ApiResponse<ResponseBody<S>>> {
    const budgetMs = this.options.callBudgetMs ?? DEFAULT_CALL_BUDGET_MS;
    // One controller per call, released when the call ends: AbortSignal.timeout and AbortSignal.any
    // would keep every call's signals alive until the budget elapsed, a minute of garbage per call.
    const call = new AbortController();
    let overBudget = false;
    const timer = setTimeout(() => {
      overBudget = true;
      call.abort(new DOMException("the call's time budget ran out", "TimeoutError"));
    }, budgetMs);
    const onCancel = () => call.abort(spec.signal?.reason);
    spec.signal?.addEventListener("abort", onCancel, { once: true });
    if (spec.signal?.aborted) onCancel();
    try {
      return await this.attempts(spec, call.signal, performance.now() + budgetMs);
    } catch (error) {
      if (spec.signal?.aborted) throw asAbortError(spec.signal.reason);
      if (overBudget) {
        throw new ContaboNetworkError(
          `gave up after ${budgetMs / 1000} s (the call's time budget)`,
          operationOf(spec),
          undefined,
          { cause: error },
        );
      }
      throw error;
    } finally {
      clearTimeout(timer);
      spec.signal?.removeEventListener("abort", onCancel);
    }
  }

  private async attempts<S extends z.ZodType | undefined>(
    spec: ApiRequest<S>,
    signal: AbortSignal,
    deadline: number,
  ): Promise<ApiResponse<ResponseBody<S>>> {
    const { tokens } = this.options;
    const operation = operationOf(spec);
    const idempotent = spec.method === "GET";
    let reauthenticated = false;
    for (let attempt = 1; ; attempt++) {
      const requestId = uuidv4();
      const token = await tokens.getToken(signal);
      // A slot from before sending until the body is read; none while waiting to retry.
      if (!this.inFlight.tryAcquire()) await this.inFlight.acquire(signal);
      let result: Attempt;
      try {
        result = await this.attemptOnce(spec, token, requestId, attempt, signal);
      } finally {
        this.inFlight.release();
      }
      const mayRepeat = attempt < this.retry.maxAttempts;

      if (result.kind === "failure") {
        // A read may always be repeated; a write only when it cannot have reached the server.
        const safe = idempotent || (result.stage === "request" && failedBeforeSending(result.error));
        if (
          safe &&
          mayRepeat &&
          (await this.pause(backoffDelayMs(this.retry, attempt, this.random), deadline, signal))
        ) {
          continue;
        }
        const detail = describeNetworkError(result.error);
        throw new ContaboNetworkError(
          result.stage === "body" ? `the response body was cut off: ${detail}` : detail,
          operation,
          requestId,
          { cause: result.error },
        );
      }

      const { status, text } = result;
      if (status === 401 && !reauthenticated && tokens.invalidate(token)) {
        // The token expired or was revoked: the API refused it before acting, so any method may repeat once.
        reauthenticated = true;
        attempt--;
        continue;
      }
      if (idempotent && isRetryableStatus(status) && mayRepeat) {
        const retryAfterMs = parseRetryAfterMs(result.retryAfter);
        const delay = retryAfterMs ?? backoffDelayMs(this.retry, attempt, this.random);
        if (delay <= this.retry.maxRetryAfterMs && (await this.pause(delay, deadline, signal))) continue;
      }
      if (status < 200 || status >= 300)
        // Redacted before apiError cuts it short: a cut could keep part of a secret, which no redactor knows.
        throw apiError(
          operation,
          status,
          this.options.redactor?.text(text) ?? text,
          requestId,
          result.retryAfter,
        );
      const body = (
        spec.response === undefined ? undefined : parseSuccessBody(spec.response, operation, text, requestId)
      ) as ResponseBody<S>;
      this.options.redactor?.rememberFieldsOf(body, text);
      return { body, operation, status, requestId };
    }
  }

  private async attemptOnce(
    spec: ApiRequest<z.ZodType | undefined>,
    token: string,
    requestId: string,
    attempt: number,
    signal: AbortSignal,
  ): Promise<Attempt> {
    const started = performance.now();
    const log = (status?: number, failure?: unknown) => {
      this.options.events?.upstreamResponse?.({
        method: spec.method,
        status: status ?? 0,
        seconds: (performance.now() - started) / 1000,
      });
      this.logger.debug("contabo request", {
        method: spec.method,
        path: spec.path,
        status,
        failure: failure === undefined ? undefined : describeNetworkError(failure),
        attempt,
        ms: Math.round(performance.now() - started),
        requestId,
      });
    };
    let response: Dispatcher.ResponseData;
    try {
      const { request, dispatcher } = this.transport ?? (await this.loadTransport());
      response = await request(this.url(spec), {
        method: spec.method,
        dispatcher,
        headers: this.headers(token, requestId, spec.body !== undefined),
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        signal,
      });
    } catch (error) {
      signal.throwIfAborted();
      log(undefined, error);
      return { kind: "failure", error, stage: "request" };
    }
    try {
      const text = await response.body.text();
      log(response.statusCode);
      return {
        kind: "answer",
        status: response.statusCode,
        text,
        retryAfter: response.headers["retry-after"],
      };
    } catch (error) {
      signal.throwIfAborted();
      log(response.statusCode, error);
      return { kind: "failure", error, stage: "body", status: response.statusCode };
    }
  }

  /** undici and the dispatcher, once loaded: every later request goes without waiting on them. */
  private transport: { request: typeof import("undici").request; dispatcher: Dispatcher } | undefined;

  private async loadTransport() {
    const [{ request }, dispatcher] = await Promise.all([
      undici(),
      resolveDispatcher(this.options.dispatcher),
    ]);
    this.transport = { request, dispatcher };
    return this.transport;
  }

  /** Waits before the next attempt, unless the wait would not fit in the call's budget. */
  private async pause(ms: number, deadline: number, signal: AbortSignal): Promise<boolean> {
    if (performance.now() + ms >= deadline) return false;
    await this.wait(ms, signal);
    return true;
  }

  private url(spec: ApiRequest<z.ZodType | undefined>): URL | string {
    // Most requests have no query: their URL is the joined string, with no URL object to build.
    if (spec.query === undefined) return joinedUrl(this.options.baseUrl, spec.path);
    const url = joinUrl(this.options.baseUrl, spec.path);
    for (const [name, value] of Object.entries(spec.query)) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(item));
    }
    return url;
  }

  private headers(token: string, requestId: string, hasBody: boolean): Record<string, string> {
    return {
      authorization: `Bearer ${token}`,
      "x-request-id": requestId,
      "x-trace-id": this.options.traceId,
      accept: "application/json",
      "user-agent": `${SERVER_NAME}/${VERSION}`,
      ...(hasBody ? { "content-type": "application/json" } : {}),
    };
  }
}

function operationOf(spec: ApiRequest<z.ZodType | undefined>): string {
  return `${spec.method} ${spec.path}`;
}
