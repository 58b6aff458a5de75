import {
  type McpServer,
  ProtocolError,
  ProtocolErrorCode,
  ResourceNotFoundError,
  ResourceTemplate,
  type ServerContext,
  type Variables,
} from "@modelcontextprotocol/server";
import { ContaboApiError } from "../client/errors.js";
import { readPages } from "../client/read-pages.js";
import type { UsersApi } from "../client/users-api.js";
import { SecretRedactor } from "../safety/secrets.js";
import { userId as userIdField } from "../tools/fields.js";
import { onlyItem } from "../tools/only-item.js";
import { fullName, userResult, withoutTenant } from "../tools/outputs.js";
import { allRoles } from "../tools/role-names.js";
import { redactedHandler } from "./redaction.js";

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
    readBy: ["retrieve_role_list"],
  },
  {
    name: "user",
    uri: "contabo://users/{userId}",
    title: "User",
    description:
      "One user's whole record (roles and permissions included). Listable, and userId completes from ids and e-mails.",
    readBy: ["retrieve_user", "retrieve_user_list"],
  },
] as const;

const JSON_TYPE = "application/json";
/** Listing reads at most this many users; completion offers at most this many candidates. */
const MAX_LISTED_USERS = 1_000;
const MAX_COMPLETIONS = 100;
const ID_PREFIX = /^[0-9a-f-]+$/;

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
            text: JSON.stringify((await allRoles(api, ctx.mcpReq.signal)).map(withoutTenant)),
          },
        ],
      })),
    );
  }
  if (!served(user)) return;
  server.registerResource(
    user.name,
    new ResourceTemplate(user.uri, {
      list: redactedHandler(redactor, async (ctx: ServerContext) => {
        const read = await readPages(
          (page) => api.retrieveUserList({ page, size: 100 }, { signal: ctx.mcpReq.signal }),
          { max: MAX_LISTED_USERS },
        );
        return {
          resources: read.items.map((u) => ({
            uri: `contabo://users/${u.userId}`,
            name: u.email,
            title: fullName(u) || u.email,
            mimeType: JSON_TYPE,
          })),
        };
      }),
      complete: {
        // The API filters by e-mail substring; an id prefix is matched against the first page as well.
        userId: redactedHandler(redactor, async (value: string) => {
          const typed = value.trim().toLowerCase();
          const filters = typed === "" ? [{}] : [{ email: typed }, ...(ID_PREFIX.test(typed) ? [{}] : [])];
          const pages = await Promise.all(
            filters.map((filter) => api.retrieveUserList({ ...filter, size: 100 })),
          );
          const ids = pages
            .flatMap((found) => found.body.data)
            .filter((u) => u.userId.startsWith(typed) || u.email.toLowerCase().includes(typed))
            .map((u) => u.userId);
          return [...new Set(ids)].slice(0, MAX_COMPLETIONS);
        }),
      },
    }),
    { title: user.title, description: user.description, mimeType: JSON_TYPE },
    redactedHandler(redactor, async (uri: URL, variables: Variables, ctx: ServerContext) => {
      const parsed = userIdField.safeParse(variables.userId);
      if (!parsed.success) {
        throw new ProtocolError(
          ProtocolErrorCode.InvalidParams,
          `${uri.href}: the userId must be a UUID (from retrieve_user_list).`,
        );
      }
      try {
        const found = await api.retrieveUser(parsed.data, { signal: ctx.mcpReq.signal });
        const record = userResult(onlyItem(found, "user"));
        return { contents: [{ uri: uri.href, mimeType: JSON_TYPE, text: JSON.stringify(record) }] };
      } catch (error) {
        if (error instanceof ContaboApiError && error.status === 404) {
          // SEP-2164: -32602 with the URI as its only data, on every protocol revision.
          throw new ResourceNotFoundError(uri.href, `Resource not found: ${uri.href} (no such user).`);
        }
        throw error;
      }
    }),
  );
}
