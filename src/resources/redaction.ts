import { ProtocolError, ProtocolErrorCode, ResourceNotFoundError } from "@modelcontextprotocol/server";
import { ContaboError } from "../client/errors.js";
import type { SecretRedactor } from "../shared/secrets.js";

/**
 * Wraps a resource handler (read, list or complete) so that what it sends out, its result or its
 * error, has every known secret removed: an upstream may echo credentials in its error bodies.
 */
export function redactedHandler<A extends unknown[], R>(
  redactor: SecretRedactor,
  handler: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return redactor.value(await handler(...args));
    } catch (error) {
      throw redactedProtocolError(error, redactor);
    }
  };
}

/**
 * The JSON-RPC error a resource handler's failure becomes, with its message and data redacted. A
 * Contabo error says what to do next, as a tool error does (tools/tool-result.ts).
 */
export function redactedProtocolError(error: unknown, redactor: SecretRedactor): ProtocolError {
  if (error instanceof ResourceNotFoundError) {
    return new ResourceNotFoundError(redactor.text(error.uri), redactor.text(error.message));
  }
  if (error instanceof ProtocolError) {
    return new ProtocolError(error.code, redactor.text(error.message), redactor.value(error.data));
  }
  const message =
    error instanceof ContaboError
      ? [
          error.message,
          ...(error.requestId ? [`Request id: ${error.requestId}`] : []),
          `What to do: ${error.hint}`,
        ].join("\n")
      : error instanceof Error
        ? error.message
        : String(error);
  return new ProtocolError(ProtocolErrorCode.InternalError, redactor.text(message));
}
