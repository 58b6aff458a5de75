import { Client, InMemoryTransport, ProtocolError, ProtocolErrorCode } from "@modelcontextprotocol/client";
import { McpServer } from "@modelcontextprotocol/server";
import { describe, expect, it, onTestFinished } from "vitest";
import { type ContaboClient, createContaboClient } from "../../src/client/index.js";
import { registerPrompts } from "../../src/prompts/index.js";
import { registerResources } from "../../src/resources/index.js";
import { SecretRedactor } from "../../src/shared/secrets.js";
import { authStatus } from "../../src/tools/auth-status.js";
import type { ToolContext } from "../../src/tools/define-tool.js";
import { testLogger } from "../helpers/logs.js";
import { callToolError, connectClient } from "../helpers/mcp.js";
import { CALLER_ID, ECHO_MARKER, type EchoingUpstream, useEchoingUpstream } from "./echoing-upstream.js";
import { AWKWARD_CLIENT_SECRET, AWKWARD_PASSWORD, leakedForms } from "./secret-forms.js";

const SECRETS = [AWKWARD_CLIENT_SECRET, AWKWARD_PASSWORD];
const USER_TEMPLATE = { type: "ref/resource", uri: "contabo://users/{userId}" } as const;

/** The Contabo client on the echoing upstream, with the redactor that knows its credentials. */
function contaboClientFor(upstream: EchoingUpstream): ContaboClient {
  const redactor = new SecretRedactor();
  const contabo = createContaboClient({
    apiUrl: upstream.apiUrl,
    authUrl: upstream.tokenUrl,
    credentials: upstream.login,
    redactor,
    logger: testLogger(redactor),
  });
  onTestFinished(() => contabo.close());
  return contabo;
}

/** A client of a bare MCP server with only the resources and prompts, each given the redactor. */
async function resourcesAndPromptsClient(contabo: ContaboClient): Promise<Client> {
  const server = new McpServer({ name: "redaction-test", version: "1.0.0" });
  const enabled = new Set(["retrieve_role_list", "retrieve_user", "retrieve_user_list"]);
  registerResources(server, contabo.api, enabled, contabo.redactor);
  registerPrompts(server, contabo.redactor);
  const client = new Client({ name: "test-client", version: "1.0.0" });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  onTestFinished(async () => {
    await client.close();
    await server.close();
  });
  return client;
}

/** The upstream's echo reached this text, with every form of every secret in it redacted. */
function expectEchoRedacted(text: string | undefined): void {
  expect(text).toContain(ECHO_MARKER);
  expect(text).toContain("[redacted]");
  expect(leakedForms(text ?? "", SECRETS)).toEqual([]);
  expect(leakedForms(JSON.stringify(text), SECRETS)).toEqual([]);
}

/** The JSON-RPC error a request failed with: its code, and its message and data as one text. */
async function protocolErrorOf(request: Promise<unknown>): Promise<{ code: number; text: string }> {
  const error = await request.then(
    () => expect.fail("the request succeeded, but the upstream fails every call"),
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ProtocolError)) return expect.fail(`not a JSON-RPC error: ${String(error)}`);
  return { code: error.code, text: `${error.message} ${JSON.stringify(error.data ?? null)}` };
}

describe.each([
  { refuseLogin: true, upstreamFailure: "the token endpoint refuses the login" },
  { refuseLogin: false, upstreamFailure: "the API answers 500" },
])("an upstream that echoes the credentials, when $upstreamFailure", ({ refuseLogin }) => {
  it("auth_status reports the problem without them", async () => {
    const contabo = contaboClientFor(await useEchoingUpstream({ refuseLogin }));
    const settings = {
      apiUrl: contabo.apiUrl.origin,
      sandbox: false,
      authMode: "password-grant",
      confirmMode: "off",
      enabledTools: ["auth_status"],
      disabledTools: {},
      redirectHosts: [] as string[],
    };
    const context: ToolContext = {
      api: contabo.api,
      signal: new AbortController().signal,
      progress: async () => {},
      settings,
      redactor: contabo.redactor,
      confirmChannels: () => ({}) as ReturnType<ToolContext["confirmChannels"]>,
    };
    const status = await authStatus.run({}, context);
    expect(status.loggedIn).toBe(false);
    expectEchoRedacted(status.problem);
    expect(leakedForms(JSON.stringify(status), SECRETS)).toEqual([]);
  });

  it("tool errors hold none of them", async () => {
    const contabo = contaboClientFor(await useEchoingUpstream({ refuseLogin }));
    const client = await connectClient(contabo.api, {
      safety: { redactor: contabo.redactor, confirmMode: "off" },
    });
    expectEchoRedacted(await callToolError(client, "retrieve_user", { userId: CALLER_ID }));
    expectEchoRedacted(await callToolError(client, "retrieve_user_list", { email: "anna" }));
    expectEchoRedacted(await callToolError(client, "retrieve_role_list"));
  });

  it("resource reads, listings and completions fail without them", async () => {
    const client = await resourcesAndPromptsClient(
      contaboClientFor(await useEchoingUpstream({ refuseLogin })),
    );
    const failures = [
      await protocolErrorOf(client.readResource({ uri: `contabo://users/${CALLER_ID}` })),
      await protocolErrorOf(client.readResource({ uri: "contabo://roles" })),
      await protocolErrorOf(client.listResources()),
      await protocolErrorOf(
        client.complete({ ref: USER_TEMPLATE, argument: { name: "userId", value: "an" } }),
      ),
    ];
    for (const { code, text } of failures) {
      expect(code).toBe(ProtocolErrorCode.InternalError);
      expectEchoRedacted(text);
      expect(text).toContain("What to do:");
    }
  });
});

describe("prompts", () => {
  it("do not echo a known secret pasted into an argument, in any form", async () => {
    const client = await resourcesAndPromptsClient(
      contaboClientFor(await useEchoingUpstream({ refuseLogin: false })),
    );
    for (const pasted of [AWKWARD_CLIENT_SECRET, encodeURIComponent(AWKWARD_PASSWORD)]) {
      const prompt = await client.getPrompt({ name: "access_review", arguments: { focus: `the ${pasted}` } });
      const text = prompt.messages.map((m) => (m.content.type === "text" ? m.content.text : "")).join("\n");
      expect(text).toContain("Focus on: the [redacted].");
      expect(leakedForms(text, SECRETS)).toEqual([]);
    }
  });
});
