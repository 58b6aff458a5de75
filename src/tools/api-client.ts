import { z } from "zod";
import { apiClientSchema, clientSecretSchema } from "../spec/api-client.js";
import { DESTRUCTIVE_WRITE, defineTool, READ } from "./define-tool.js";
import { onlyItem } from "./fields.js";

export const retrieveUserClient = defineTool({
  name: "retrieve_user_client",
  description:
    "Get the OAuth2 API client of the calling API user: its id, clientId and current secret (the credentials used to obtain API tokens).",
  input: z.strictObject({}),
  output: z.object({ client: apiClientSchema, requestId: z.string() }),
  annotations: { title: "Get API client", ...READ },
  run: async (_args, { api, signal }) => {
    const result = await api.retrieveUserClient({ signal });
    return { client: onlyItem(result, "API client"), requestId: result.requestId };
  },
});

export const generateClientSecret = defineTool({
  name: "generate_client_secret",
  description:
    "Rotate the API client's secret. The old secret stops working at once for new logins: every script or tool using it (cntb, Terraform, other MCP servers) must be given the new one. This server switches to the new secret by itself until it restarts; update CONTABO_CLIENT_SECRET. Returns the new secret.",
  input: z.strictObject({}),
  output: z.object({ client: clientSecretSchema, effect: z.string(), requestId: z.string() }),
  annotations: { title: "Rotate API client secret", ...DESTRUCTIVE_WRITE },
  run: async (_args, { api, signal }) => {
    const result = await api.generateClientSecret({ signal });
    return {
      client: onlyItem(result, "client secret"),
      effect: "The client secret was rotated; the old one no longer works for new logins.",
      requestId: result.requestId,
    };
  },
});
