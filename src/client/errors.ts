import { createRequire } from "node:module";

/** node:http is loaded when an error first needs a status text, not at every start (about 2 ms). */
const load = createRequire(import.meta.url);

/**
 * Every failure of the Contabo client is one of these. Each message says what went wrong in words a
 * user can act on, and `hint` says what to do next. One mapping (tools/tool-result.ts) turns them
 * into MCP tool errors.
 */
export abstract class ContaboError extends Error {
  abstract readonly hint: string;
  constructor(
    message: string,
    readonly requestId?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The API answered with an error status (`{statusCode, message}` body when it sent one). */
export class ContaboApiError extends ContaboError {
  readonly hint: string;
  constructor(
    readonly status: number,
    readonly apiMessage: string,
    /** Method and path, e.g. "GET /v1/users/…". */
    readonly operation: string,
    requestId: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(`Contabo API answered ${status} ${statusText(status)} to ${operation}: ${apiMessage}`, requestId);
    this.hint = hintForStatus(status, retryAfterSeconds);
  }
}

/** No answer: connection refused or reset, DNS failure, a timeout, or the call's time budget ran out. */
export class ContaboNetworkError extends ContaboError {
  readonly hint =
    "The Contabo API could not be reached. Check the network and CONTABO_API_URL; reads were already retried, so wait before trying again.";
  constructor(
    readonly detail: string,
    readonly operation: string,
    requestId?: string,
    options?: ErrorOptions,
  ) {
    super(`No answer to ${operation}: ${detail}`, requestId, options);
  }
}

/** The API answered 2xx, but the body is not what the spec says. */
export class ContaboResponseError extends ContaboError {
  readonly hint =
    "The Contabo API sent a response this server does not understand; nothing was retried. Report the request id to the maintainers.";
  constructor(
    readonly detail: string,
    readonly operation: string,
    requestId: string,
  ) {
    super(`Unexpected response to ${operation}: ${detail}`, requestId);
  }
}

/** The token endpoint refused the credentials, or answered something unusable. */
export class ContaboAuthError extends ContaboError {
  constructor(
    message: string,
    readonly hint: string,
    readonly oauthError?: string,
    options?: ErrorOptions,
  ) {
    super(message, undefined, options);
  }
}

/** The server is not configured to reach the API (missing credentials, a refused URL). */
export class ContaboConfigError extends ContaboError {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

function statusText(status: number): string {
  return (load("node:http") as typeof import("node:http")).STATUS_CODES[status] ?? "";
}

/** What to do next, by status, following the error table of the spec's `info.description`. */
export function hintForStatus(status: number, retryAfterSeconds?: number): string {
  switch (status) {
    case 400:
      return "The API rejected the request as malformed: correct the arguments named in the message and call again.";
    case 401:
      return "The credentials were rejected: check CONTABO_CLIENT_ID, CONTABO_CLIENT_SECRET, CONTABO_API_USER and CONTABO_API_PASSWORD (or CONTABO_ACCESS_TOKEN).";
    case 402:
      return "This needs a paid add-on on the Contabo account.";
    case 403:
      return "The API user is not allowed to do this: it needs a role with this permission, or the account owner must do it.";
    case 404:
      return "Nothing has that id: find userIds with retrieve_user_list and credential ids with list_object_storage_credentials.";
    case 409:
      return "This conflicts with existing data (for example a user with that email already exists): look it up with retrieve_user_list.";
    case 429:
      return retryAfterSeconds === undefined
        ? "Contabo's rate limit was reached: wait a minute before calling again."
        : `Contabo's rate limit was reached: wait ${retryAfterSeconds} s before calling again.`;
    default:
      return status >= 500
        ? "Contabo's API had a problem: try again later, and give the request id to Contabo support if it persists."
        : "Check the arguments and try again.";
  }
}

/** A short description of a network failure: its message and code, or "timed out". */
export function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === "TimeoutError") return "timed out";
    const code = "code" in error && typeof error.code === "string" ? ` (${error.code})` : "";
    return `${error.message}${code}`;
  }
  return String(error);
}

const renamed = new WeakSet<ContaboError>();

/**
 * Passes a Contabo error's message and hint through `rename` (once, however often the same error is
 * thrown again), e.g. to name the settings as the file they came from names them.
 */
export function renameInError(error: unknown, rename: (text: string) => string): unknown {
  if (!(error instanceof ContaboError) || renamed.has(error)) return error;
  renamed.add(error);
  Object.defineProperty(error, "message", {
    value: rename(error.message),
    configurable: true,
    writable: true,
  });
  Object.defineProperty(error, "hint", { value: rename(error.hint), configurable: true, writable: true });
  return error;
}
