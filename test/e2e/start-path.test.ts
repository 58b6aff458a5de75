/**
 * What a start loads, in the shipped bundle: a server that starts and answers its first tools/list
 * loads no tool implementation, no part of the Contabo client that makes requests, no response
 * schema, no approval page and no call path, and none of node:crypto, node:child_process and node:http
 * (node:net it does load: the stdio pipes are sockets). Those load with the first call that needs them (issue 19: the cold start). The
 * chunks are mapped back to their source files through the bundle's source maps.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CLI, cleanEnv } from "../helpers/cli.js";

const PROBE = fileURLToPath(new URL("./start-path-probe.mjs", import.meta.url));
const INITIALIZE = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "start-path", version: "1" },
  },
};

/** The server's loaded source files and built-ins, after its first tools/list. */
async function startPath(args: string[]): Promise<{ sources: string[]; builtins: string[] }> {
  const child = spawn(process.execPath, ["--import", PROBE, CLI, ...args], {
    env: cleanEnv(),
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const listed = new Promise<void>((resolve) =>
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('"id":2')) resolve();
    }),
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  for (const message of [
    INITIALIZE,
    { jsonrpc: "2.0", method: "notifications/initialized" },
    { jsonrpc: "2.0", id: 2, method: "tools/list", params: {} },
  ]) {
    child.stdin.write(`${JSON.stringify(message)}\n`);
  }
  await listed;
  child.stdin.end();
  await exited;
  const line = stderr.split("\n").find((text) => text.startsWith("START-PATH "));
  if (!line) throw new Error(`the probe wrote nothing; stderr: ${stderr}`);
  const { loaded, builtins } = JSON.parse(line.slice("START-PATH ".length)) as {
    loaded: string[];
    builtins: string[];
  };
  const sources = loaded
    .filter((url) => url.includes("/dist/package/"))
    .flatMap((url) => {
      const map = JSON.parse(readFileSync(`${fileURLToPath(url)}.map`, "utf8")) as { sources: string[] };
      return map.sources.map((source) => source.replace(/^(\.\.\/)+/, ""));
    });
  return { sources, builtins };
}

/** Source files that only a call, a read or an approval needs. */
const CALL_ONLY = [
  "src/client/users-api.ts",
  "src/client/request-pipeline.ts",
  "src/client/password-grant.ts",
  "src/client/http-users-api.ts",
  "src/contabo-api-schemas/users.ts",
  "src/contabo-api-schemas/audits.ts",
  "src/contabo-api-schemas/envelopes.ts",
  "src/tools/users.ts",
  "src/tools/user-list.ts",
  "src/tools/fields.ts",
  "src/tools/outputs.ts",
  "src/tools/listing-schemas.ts",
  "src/tools/call-presenter.ts",
  "src/safety/guarded-call.ts",
  "src/resources/readers.ts",
  "src/approvals/approval-routes.ts",
  "src/approvals/approval-page.ts",
  "src/approvals/sign-in.ts",
];

describe("the start path of the bundle", () => {
  it("answers tools/list over stdio having loaded no implementation, request code, schema or page", async () => {
    const { sources, builtins } = await startPath([]);
    // The probe sees the start: the registry and the server are there.
    expect(sources).toContain("src/tools/registry.ts");
    expect(sources).toContain("src/mcp/server.ts");
    expect(CALL_ONLY.filter((source) => sources.includes(source))).toEqual([]);
    expect(sources.filter((source) => source.includes("node_modules/undici/"))).toEqual([]);
    expect(
      builtins.filter((name) => ["crypto", "child_process", "http", "https", "tls"].includes(name)),
    ).toEqual([]);
  });

  it("with --sandbox, the same holds for the server (the simulator is loaded, the call path is not)", async () => {
    const { sources } = await startPath(["--sandbox"]);
    expect(sources).toContain("src/sandbox/index.ts");
    expect(
      CALL_ONLY.filter(
        (source) => sources.includes(source) && !source.startsWith("src/contabo-api-schemas/"),
      ),
    ).toEqual([]);
  });
});
