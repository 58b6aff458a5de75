import {
  type McpServer,
  ProtocolError,
  ProtocolErrorCode,
  ResourceTemplate,
  type ServerContext,
  type Variables,
} from "@modelcontextprotocol/server";
import type { UsersApi } from "../client/users-api.js";
import { SecretRedactor } from "../shared/secrets.js";
import type { ResourceName } from "../tools/define-tool.js";
import { TOOLS } from "../tools/registry.js";
import { redactedHandler } from "./redaction.js";

/** The tools whose definitions say they read what this resource reads (tools/registry.ts). */
function readersOf(resource: ResourceName): string[] {
  return TOOLS.filter((tool) => tool.resources?.includes(resource)).map((tool) => tool.name);
}

/**
 * What the server offers as resources, for the README table (src/docs) and registration below.
 * Each is served only when one of the tools in `readBy` is enabled: a resource reads what those
 * tools read, so --read-only and --tools limit resources the same way.
 */
export const RESOURCES = [
  {
    name: "roles",
    uri: "contabo://roles",
    title: "Roles",
    description: "Every role of the account with its permissions, to attach to a conversation about access.",
    readBy: readersOf("roles"),
  },
  {
    name: "user",
    uri: "contabo://users/{userId}",
    title: "User",
    description:
      "One user's whole record (roles and permissions included). Listable, and userId completes from ids and e-mails.",
    readBy: readersOf("user"),
  },
] as const;

const JSON_TYPE = "application/json";
/** Each resource's reading code (and the client's record schemas it uses) loads with its first read. */
let loadedReaders: Promise<typeof import("./readers.js")> | undefined;
const readers = () => {
  loadedReaders ??= import("./readers.js");
  return loadedReaders;
};

/**
 * Registers the resources whose tools are enabled. Every result and error they send out passes
 * `redactor` (the process's, which knows the configured credentials); without one, only the
 * Bearer and Basic credentials in text are removed.
 */
export function registerResources(
  server: McpServer,
  api: UsersApi,
  enabledTools: ReadonlySet<string>,
  redactor: SecretRedactor = new SecretRedactor(),
): void {
  const [roles, user] = RESOURCES;
  const served = (resource: (typeof RESOURCES)[number]) =>
    resource.readBy.some((tool) => enabledTools.has(tool));
  if (served(roles)) {
    server.registerResource(
      roles.name,
      roles.uri,
      { title: roles.title, description: roles.description, mimeType: JSON_TYPE },
      redactedHandler(redactor, async (uri: URL, ctx: ServerContext) => ({
        contents: [
          {
            uri: uri.href,
            mimeType: JSON_TYPE,
            text: JSON.stringify(await (await readers()).allRolesRead(api, ctx.mcpReq.signal)),
          },
        ],
      })),
    );
  }
  if (!served(user)) return;
  server.registerResource(
    user.name,
    new ResourceTemplate(user.uri, {
      list: redactedHandler(redactor, async (ctx: ServerContext) => ({
        resources: (await (await readers()).listedUsers(api, ctx.mcpReq.signal)).map((listed) => ({
          ...listed,
          mimeType: JSON_TYPE,
        })),
      })),
      complete: {
        userId: redactedHandler(redactor, async (value: string) => (await readers()).userIdsLike(api, value)),
      },
    }),
    { title: user.title, description: user.description, mimeType: JSON_TYPE },
    redactedHandler(redactor, async (uri: URL, variables: Variables, ctx: ServerContext) => {
      const record = await (await readers()).userRecord(api, uri, variables.userId, ctx.mcpReq.signal);
      if (record === undefined) {
        throw new ProtocolError(
          ProtocolErrorCode.InvalidParams,
          `${uri.href}: the userId must be a UUID (from retrieve_user_list).`,
        );
      }
      return { contents: [{ uri: uri.href, mimeType: JSON_TYPE, text: JSON.stringify(record) }] };
    }),
  );
}
