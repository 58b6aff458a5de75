import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import type { jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types";

/**
 * The JSON Schema validator the SDK uses to check elicitation answers, made once per process and
 * only when the first elicitation needs it: the SDK would otherwise build an Ajv instance for
 * every server, which is every HTTP request.
 */
let shared: AjvJsonSchemaValidator | undefined;

export const lazyJsonSchemaValidator: jsonSchemaValidator = {
  getValidator(schema) {
    shared ??= new AjvJsonSchemaValidator();
    return shared.getValidator(schema);
  },
};
