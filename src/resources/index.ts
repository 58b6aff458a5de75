import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { UsersApi } from "../client/users-api.js";
import { onlyItem } from "../tools/fields.js";
import { userResult, withoutTenant } from "../tools/outputs.js";
import { allRoles } from "../tools/role-names.js";

/** What the server offers as resources, for the README table (src/docs) and registration below. */
export const RESOURCES = [
  {
    name: "roles",
    uri: "contabo://roles",
    title: "Roles",
    description: "Every role of the account with its permissions, to attach to a conversation about access.",
  },
  {
    name: "user",
    uri: "contabo://users/{userId}",
    title: "User",
    description:
      "One user's whole record (roles and permissions included). Listable, and userId completes from ids and e-mails.",
  },
] as const;

const JSON_TYPE = "application/json";
/** Listing and completion read at most this many users. */
const MAX_LISTED_USERS = 1_000;

async function someUsers(api: UsersApi, signal?: AbortSignal) {
  const users = [];
  for (let page = 1; users.length < MAX_LISTED_USERS; page++) {
    const result = await api.retrieveUserList({ page, size: 100 }, { signal });
    users.push(...result.body.data);
    if (page >= result.body._pagination.totalPages) break;
  }
  return users;
}

export function registerResources(server: McpServer, api: UsersApi): void {
  const [roles, user] = RESOURCES;
  server.registerResource(
    roles.name,
    roles.uri,
    { title: roles.title, description: roles.description, mimeType: JSON_TYPE },
    async (uri, extra) => ({
      contents: [
        {
          uri: uri.href,
          mimeType: JSON_TYPE,
          text: JSON.stringify((await allRoles(api, extra.signal)).map(withoutTenant)),
        },
      ],
    }),
  );
  server.registerResource(
    user.name,
    new ResourceTemplate(user.uri, {
      list: async (extra) => ({
        resources: (await someUsers(api, extra.signal)).map((u) => ({
          uri: `contabo://users/${u.userId}`,
          name: u.email,
          title: `${u.firstName} ${u.lastName}`.trim() || u.email,
          mimeType: JSON_TYPE,
        })),
      }),
      complete: {
        userId: async (value) => {
          const needle = value.toLowerCase();
          return (await someUsers(api))
            .filter((u) => u.userId.startsWith(needle) || u.email.toLowerCase().includes(needle))
            .slice(0, 100)
            .map((u) => u.userId);
        },
      },
    }),
    { title: user.title, description: user.description, mimeType: JSON_TYPE },
    async (uri, variables, extra) => {
      const userId = String(variables.userId ?? "");
      const record = userResult(onlyItem(await api.retrieveUser(userId, { signal: extra.signal }), "user"));
      return { contents: [{ uri: uri.href, mimeType: JSON_TYPE, text: JSON.stringify(record) }] };
    },
  );
}
