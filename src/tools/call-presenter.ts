import { ContaboError, ContaboNetworkError } from "../client/errors.js";
import type { CallPresenter } from "../safety/guarded-call.js";
import type { SecretRedactor } from "../shared/secrets.js";
import { toolError, toolRefusal, toolSuccess } from "./tool-result.js";

/** Puts the outcomes of guarded calls (safety/guarded-call.ts) into MCP results. */
export function callPresenter(redactor: SecretRedactor): CallPresenter {
  return {
    result(toolName, outcome) {
      switch (outcome.kind) {
        case "ok":
          return toolSuccess(outcome.output);
        case "answered":
          return toolSuccess(outcome.structured);
        case "refused":
          return toolRefusal(toolName, outcome.reason);
        case "failed":
          return toolError(toolName, outcome.error, redactor);
      }
    },
    requestIdOf(value) {
      if (value instanceof ContaboError) return value.requestId;
      if (value !== null && typeof value === "object" && "requestId" in value) {
        return typeof value.requestId === "string" ? value.requestId : undefined;
      }
      return undefined;
    },
    mayHaveReached: (error) => error instanceof ContaboNetworkError,
  };
}
