import { type Dispatcher, request } from "undici";
import { v4 as uuidv4 } from "uuid";
import type { z } from "zod";
import { type Logger, silentLogger } from "../log.js";
import { apiErrorBodySchema } from "../spec/common.js";
import { formatPath } from "../spec/format-path.js";
import { SERVER_NAME, VERSION } from "../version.js";
import { sleep } from "./abortable.js";
import { joinUrl } from "./base-url.js";
import {
  ContaboApiError,
  ContaboNetworkError,
  ContaboResponseError,
  describeNetworkError,
} from "./errors.js";
import {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  failedBeforeSending,
  isRetryableStatus,
  parseRetryAfterMs,
  type RetryPolicy,
} from "./retry-policy.js";
import type { TokenProvider } from "./token-provider.js";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
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
  dispatcher: Dispatcher;
  /** Sent as x-trace-id on every request: one value for the whole server process. */
  traceId: string;
  retry?: RetryPolicy;
  /** A call (all its attempts and waits) gives up after this long. */
  callBudgetMs?: number;
  logger?: Logger;
  random?: () => number;
}

export const DEFAULT_CALL_BUDGET_MS = 60_000;

/**
 * The one way requests reach the Contabo API: bearer token, fresh x-request-id, constant x-trace-id,
 * one re-authentication after a 401, retries only where they are safe, and every failure turned into
 * a typed ContaboError.
 */
export class RequestPipeline {
  private readonly retry: RetryPolicy;
  private readonly logger: Logger;
  private readonly random: () => number;

  constructor(private readonly options: RequestPipelineOptions) {
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.logger = options.logger ?? silentLogger;
    this.random = options.random ?? Math.random;
  }

  get traceId(): string {
    return this.options.traceId;
  }

  async send<S extends z.ZodType | undefined>(spec: ApiRequest<S>): Promise<ApiResponse<ResponseBody<S>>> {
    const budgetMs = this.options.callBudgetMs ?? DEFAULT_CALL_BUDGET_MS;
    const budget = AbortSignal.timeout(budgetMs);
    const signal = spec.signal ? AbortSignal.any([spec.signal, budget]) : budget;
    try {
      return await this.attempts(spec, signal);
    } catch (error) {
      if (spec.signal?.aborted) throw spec.signal.reason;
      if (budget.aborted) {
        throw new ContaboNetworkError(
          `gave up after ${budgetMs / 1000} s (the call's time budget)`,
          operationOf(spec),
          undefined,
          { cause: error },
        );
      }
      throw error;
    }
  }

  private async attempts<S extends z.ZodType | undefined>(
    spec: ApiRequest<S>,
    signal: AbortSignal,
  ): Promise<ApiResponse<ResponseBody<S>>> {
    const { tokens } = this.options;
    const url = this.url(spec);
    const idempotent = spec.method === "GET";
    let reauthenticated = false;
    for (let attempt = 1; ; attempt++) {
      const requestId = uuidv4();
      const token = await tokens.getToken(signal);
      const started = performance.now();
      let response: Dispatcher.ResponseData;
      try {
        response = await request(url, {
          method: spec.method,
          dispatcher: this.options.dispatcher,
          headers: this.headers(token, requestId, spec.body !== undefined),
          body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
          signal,
        });
      } catch (error) {
        signal.throwIfAborted();
        const mayRetry = (idempotent || failedBeforeSending(error)) && attempt < this.retry.maxAttempts;
        this.log(spec, requestId, attempt, started, undefined, describeNetworkError(error));
        if (!mayRetry) {
          throw new ContaboNetworkError(describeNetworkError(error), operationOf(spec), requestId, {
            cause: error,
          });
        }
        await sleep(backoffDelayMs(this.retry, attempt, this.random), signal);
        continue;
      }

      const status = response.statusCode;
      if (status === 401 && !reauthenticated && tokens.invalidate(token)) {
        // The token expired or was revoked: the API refused it before acting, so any method may repeat once.
        await response.body.dump();
        this.log(spec, requestId, attempt, started, status);
        reauthenticated = true;
        attempt--;
        continue;
      }

      if (idempotent && isRetryableStatus(status) && attempt < this.retry.maxAttempts) {
        const retryAfterMs = parseRetryAfterMs(response.headers["retry-after"]);
        if (retryAfterMs === undefined || retryAfterMs <= this.retry.maxRetryAfterMs) {
          await response.body.dump();
          this.log(spec, requestId, attempt, started, status);
          await sleep(retryAfterMs ?? backoffDelayMs(this.retry, attempt, this.random), signal);
          continue;
        }
      }

      let text: string;
      try {
        text = await response.body.text();
      } catch (error) {
        signal.throwIfAborted();
        this.log(spec, requestId, attempt, started, status, describeNetworkError(error));
        // The server got the request; only a read may be sent again.
        if (idempotent && attempt < this.retry.maxAttempts) {
          await sleep(backoffDelayMs(this.retry, attempt, this.random), signal);
          continue;
        }
        throw new ContaboNetworkError(
          `the response body was cut off: ${describeNetworkError(error)}`,
          operationOf(spec),
          requestId,
          { cause: error },
        );
      }
      this.log(spec, requestId, attempt, started, status);
      if (status >= 400 || status < 200)
        throw apiError(spec, status, text, requestId, response.headers["retry-after"]);
      return { body: parseBody(spec, text, requestId), operation: operationOf(spec), status, requestId };
    }
  }

  private url(spec: ApiRequest<z.ZodType | undefined>): URL {
    const url = joinUrl(this.options.baseUrl, spec.path);
    for (const [name, value] of Object.entries(spec.query ?? {})) {
      if (value === undefined) continue;
      if (Array.isArray(value)) {
        for (const item of value) url.searchParams.append(name, item);
      } else {
        url.searchParams.append(name, String(value));
      }
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

  private log(
    spec: ApiRequest<z.ZodType | undefined>,
    requestId: string,
    attempt: number,
    started: number,
    status?: number,
    failure?: string,
  ): void {
    this.logger.debug("contabo request", {
      method: spec.method,
      path: spec.path,
      status,
      failure,
      attempt,
      ms: Math.round(performance.now() - started),
      requestId,
    });
  }
}

function apiError(
  spec: ApiRequest<z.ZodType | undefined>,
  status: number,
  text: string,
  requestId: string,
  retryAfter: string | string[] | undefined,
): ContaboApiError {
  const parsed = apiErrorBodySchema.safeParse(safeJson(text));
  const message = parsed.success
    ? [parsed.data.message].flat().join("; ")
    : text.trim() === ""
      ? "(no message)"
      : text.trim().slice(0, 300);
  const retryAfterMs = parseRetryAfterMs(retryAfter);
  return new ContaboApiError(
    status,
    message,
    operationOf(spec),
    requestId,
    retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000),
  );
}

function parseBody<S extends z.ZodType | undefined>(
  spec: ApiRequest<S>,
  text: string,
  requestId: string,
): ResponseBody<S> {
  const schema = spec.response;
  if (schema === undefined) return undefined as ResponseBody<S>;
  const json = safeJson(text);
  if (json === undefined) {
    throw new ContaboResponseError(
      text === ""
        ? "the body is empty, JSON was expected"
        : `the body is not valid JSON (${text.length} characters)`,
      operationOf(spec),
      requestId,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.length ? formatPath(issue.path) : "(the body)";
    throw new ContaboResponseError(
      `field ${field}: ${issue?.message ?? "invalid"}`,
      operationOf(spec),
      requestId,
    );
  }
  return parsed.data as ResponseBody<S>;
}

function safeJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function operationOf(spec: ApiRequest<z.ZodType | undefined>): string {
  return `${spec.method} ${spec.path}`;
}
