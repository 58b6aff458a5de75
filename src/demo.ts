import { fileURLToPath } from "node:url";
import { type CallToolResult, Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { SERVER_NAME, VERSION } from "./version.js";

/**
 * A short admin session against the sandbox, driven by a real MCP client over stdio, the way an agent
 * would: it starts `contabo-users-mcp --sandbox` and prints each call and its result.
 */
const cli = fileURLToPath(new URL("./package/cli.js", import.meta.url));
const transport = new StdioClientTransport({
  command: process.execPath,
  args: [cli, "--sandbox", "--log-level", "error"],
  stderr: "pipe",
});
// The server's stderr carries its audit lines (and errors); they are counted and shown at the end.
let serverStderr = "";
transport.stderr?.on("data", (chunk: Buffer) => {
  serverStderr += chunk.toString();
});
// The demo speaks today's protocol, 2026-07-28 (2025-era clients are served too), and can show
// the person forms (elicitation): that is how the server asks before it deletes or grants anything.
const client = new Client(
  { name: `${SERVER_NAME}-demo`, version: VERSION },
  { versionNegotiation: { mode: { pin: "2026-07-28" } }, capabilities: { elicitation: { form: {} } } },
);

// The person at the keyboard: reads each form, and agrees (typing the e-mail when asked to).
client.setRequestHandler("elicitation/create", (request) => {
  const { message } = request.params;
  process.stdout.write(`  [form for the person]\n    ${message.replaceAll("\n", "\n    ")}\n`);
  const typed = message.match(/type the e-mail address "([^"]+)"/)?.[1];
  process.stdout.write(`  [the person agrees${typed ? `, typing ${typed}` : ""}]\n`);
  const content: Record<string, string | boolean> = typed ? { confirmation: typed } : { confirm: true };
  return { action: "accept", content };
});

/** Calls a tool and prints the call and its result; a form may come up first (see above). */
async function call(name: string, args: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  process.stdout.write(`\n> ${name} ${JSON.stringify(args)}\n`);
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = result.content.map((part) => (part.type === "text" ? part.text : `[${part.type}]`)).join("\n");
  if (result.isError) {
    process.stdout.write(`  error: ${text.replaceAll("\n", "\n  ")}\n`);
    return {};
  }
  process.stdout.write(`  ${summarize(text)}\n`);
  return (result.structuredContent as Record<string, unknown> | undefined) ?? {};
}

function summarize(text: string): string {
  return text.length > 400 ? `${text.slice(0, 400)}… (${text.length} characters)` : text;
}

function field<T>(value: unknown, ...path: Array<string | number>): T {
  let current = value;
  for (const key of path) current = (current as Record<string | number, unknown> | undefined)?.[key];
  return current as T;
}

await client.connect(transport);
const { tools } = await client.listTools();
process.stdout.write(
  `Connected to ${SERVER_NAME} (sandbox). ${tools.length} tools: ${tools.map((t) => t.name).join(", ")}\n`,
);

await call("auth_status");
const disabled = await call("retrieve_user_list", { enabled: false, size: 5 });
process.stdout.write(`  → ${field<number>(disabled, "pagination", "totalElements")} disabled users\n`);

const created = await call("create_user", {
  email: "jane.doe@example.com",
  firstName: "Jane",
  lastName: "Doe",
  enabled: true,
  totp: true,
  locale: "en",
  roles: ["Read only"],
});
const userId = field<string>(created, "userId");
await call("retrieve_user", { userId });
await call("retrieve_user", { userId: "../client/secret" });
await call("update_user", { userId, roles: ["Read only", "infrastructure"], locale: "de" });
await call("retrieve_user_audits", { userId });
await call("reset_password", { userId, redirectUrl: "https://my.contabo.com@attacker.example/" });
await call("resend_email_verification", { userId, redirectUrl: "https://my.contabo.com/welcome" });
const credentials = await call("list_object_storage_credentials", { userId });
const first = field<{ objectStorageId: string; credentialId: number }>(credentials, "credentials", 0);
await call("regenerate_object_storage_credentials", {
  userId,
  objectStorageId: first.objectStorageId,
  credentialId: first.credentialId,
});
await call("create_user", { email: "anna.schmidt@example.com", enabled: true, totp: false, locale: "en" });
await call("retrieve_user_client");
await call("update_user", { userId, enabled: false });
await call("delete_user", { userId });
await call("retrieve_user", { userId });

await client.close();
const auditLines = serverStderr.split("\n").filter((line) => line.includes('"audit":true'));
process.stdout.write(
  `\nDone: every call above went through MCP over stdio to the sandbox over HTTP. The server wrote ${auditLines.length} audit lines on stderr; the last one:\n  ${auditLines.at(-1) ?? "(none)"}\n`,
);
