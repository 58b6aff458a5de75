/** One request the sandbox received, for tests: what was sent, never the token itself. */
export interface LoggedRequest {
  method: string;
  path: string;
  query: string;
  requestId?: string;
  traceId?: string;
  authorized: boolean;
  /** The JSON body, or for the token endpoint only its grant_type. */
  body?: unknown;
  status: number;
  /** The fault injected into this request, if any. */
  fault?: string;
  at: string;
}
