#!/usr/bin/env node
// Every tool against Prism mocking Contabo's real OpenAPI spec (the spec is not in this repo):
//   prism mock -p 4010 contabo-openapi.yaml     (npm i @stoplight/prism-cli, elsewhere)
//   npm run build && PRISM_URL=http://127.0.0.1:4010 node scripts/prism-contract.mjs
// The built server runs with --confirm token (so delete_user must issue a token) and a ready bearer
// token (Prism mocks the API, not Keycloak), no e-mail limit (one example user gets every e-mail), and
// role ids (the spec's example role list holds one role twice, so its name is ambiguous). Prints one line per tool; exits 1 if any call failed.
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";

const prism = process.env.PRISM_URL ?? "http://127.0.0.1:4010";
const cli = fileURLToPath(new URL("../dist/package/cli.js", import.meta.url));
const client = new Client({ name: "prism-contract", version: "1.0.0" });
await client.connect(
  new StdioClientTransport({
    command: process.execPath,
    args: [cli, "--confirm", "token", "--redirect-hosts", "contabo.de", "--email-limit", "0"],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: "/nonexistent",
      CONTABO_API_URL: prism,
      CONTABO_ACCESS_TOKEN: "prism-token",
    },
    stderr: "ignore",
  }),
);
const user = "6cdf5968-f9fe-4192-97c2-f349e813c5e8";
const storage = {
  userId: user,
  objectStorageId: "d8417276-d2d9-43a9-a0a8-9a6fa6060246",
  credentialId: 12345,
};
const calls = [
  ["retrieve_user_list", { size: 10 }],
  ["retrieve_user", { userId: user }],
  ["retrieve_user_is_password_set", { userId: user }],
  [
    "create_user",
    { email: "john.doe@example.com", enabled: true, totp: false, locale: "en", roles: ["12345"] },
  ],
  ["update_user", { userId: user, roles: ["12345"] }],
  ["delete_user", { userId: user }],
  ["reset_password", { userId: user, redirectUrl: "https://test.contabo.de" }],
  ["resend_email_verification", { userId: user, redirectUrl: "https://test.contabo.de" }],
  ["retrieve_user_client", {}],
  ["generate_client_secret", {}],
  ["list_object_storage_credentials", { userId: user }],
  ["get_object_storage_credentials", storage],
  ["regenerate_object_storage_credentials", storage],
  ["retrieve_role_list", {}],
  ["retrieve_role", { roleId: 12345 }],
  ["retrieve_user_audits", {}],
  ["auth_status", {}],
];
let failed = 0;
for (const [name, args] of calls) {
  let result = await client.callTool({ name, arguments: args });
  const token = result.structuredContent?.confirmationToken;
  let how = "sent";
  if (typeof token === "string") {
    how = "token issued, confirmed";
    // delete_user only has to issue its token (Prism's example user never changes, so it would work too).
    if (name !== "delete_user")
      result = await client.callTool({ name, arguments: { ...args, confirmationToken: token } });
    else how = "token issued";
  }
  const text = result.content?.[0]?.text ?? "";
  if (result.isError) failed++;
  console.log(
    `${result.isError ? "FAIL" : "ok  "} ${name}: ${how}${result.isError ? ` — ${text.slice(0, 300)}` : ""}`,
  );
}
await client.close();
process.exit(failed > 0 ? 1 : 0);
