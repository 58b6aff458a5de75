import { z } from "zod";
import { fingerprint } from "../shared/fingerprint.js";
import { maskSecret } from "../shared/secrets.js";
import { quoteUntrusted } from "../shared/untrusted-text.js";
import type { ToolContext } from "./define-tool.js";
import { defineTool } from "./define-tool.js";
import { reveal } from "./fields.js";
import { onlyItem } from "./only-item.js";
import { apiClientOutput, clientSecretOutput, shownSecret, withoutTenant } from "./outputs.js";

async function liveClient({ api, signal }: ToolContext) {
  return onlyItem(await api.retrieveUserClient({ signal }), "API client");
}

export const retrieveUserClient = defineTool({
  name: "retrieve_user_client",
  input: z.strictObject({ reveal }),
  output: z.object({ client: apiClientOutput, requestId: z.string() }),
  confirm: {
    when: (args) => args.reveal === true,
    kinds: () => ["reveal-secret"],
    preview: async (_args, context) => {
      const client = await liveClient(context);
      return {
        action: `Show the full secret of API client ${quoteUntrusted(client.clientId)} in this conversation.`,
        target: { clientId: client.clientId, id: client.id, secret: maskSecret(client.secret) },
        fingerprint: fingerprint(client),
      };
    },
  },
  run: async ({ reveal }, { api, signal }) => {
    const result = await api.retrieveUserClient({ signal });
    const client = onlyItem(result, "API client");
    return {
      client: { ...withoutTenant(client), secret: shownSecret(client.secret, reveal) },
      requestId: result.requestId,
    };
  },
});

export const generateClientSecret = defineTool({
  name: "generate_client_secret",
  input: z.strictObject({ reveal }),
  output: z.object({ client: clientSecretOutput, effect: z.string(), requestId: z.string() }),
  confirm: {
    when: () => true,
    kinds: () => ["rotate-client-secret"],
    preview: async ({ reveal }, context) => {
      const client = await liveClient(context);
      return {
        action: `Rotate the secret of API client ${quoteUntrusted(client.clientId)}: the current secret (${quoteUntrusted(maskSecret(client.secret))}) stops working at once for every script and tool that logs in with it${reveal ? "; the new secret is shown in full in this conversation" : ""}.`,
        target: { clientId: client.clientId, id: client.id, secret: maskSecret(client.secret) },
        fingerprint: fingerprint(client),
      };
    },
  },
  run: async ({ reveal }, { api, signal }) => {
    const result = await api.generateClientSecret({ signal });
    const client = onlyItem(result, "client secret");
    return {
      client: { ...withoutTenant(client), secret: shownSecret(client.secret, reveal) },
      effect: "The client secret was rotated; the old one no longer works for new logins.",
      requestId: result.requestId,
    };
  },
});
