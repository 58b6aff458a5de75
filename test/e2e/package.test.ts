import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { describe, expect, it, onTestFinished } from "vitest";
import { TOOLS } from "../../src/tools/registry.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const NPX = process.platform === "win32" ? "npx.cmd" : "npx";

describe("the npm package", () => {
  it("holds the bundle, README and licence only, and `npx contabo-users-mcp --sandbox` works from the tarball", async () => {
    const folder = mkdtempSync(join(tmpdir(), "contabo-users-mcp-pack-"));
    onTestFinished(() => rmSync(folder, { recursive: true, force: true }));
    const packed = JSON.parse(
      execFileSync(NPM, ["pack", "--json", "--pack-destination", folder], { cwd: ROOT, encoding: "utf8" }),
    ) as Array<{ filename: string; size: number; files: Array<{ path: string }> }>;
    const [tarball] = packed;
    if (!tarball) throw new Error("npm pack produced nothing");
    const paths = tarball.files.map((file) => file.path);
    expect(paths.filter((path) => !path.startsWith("dist/package/")).sort()).toEqual([
      "LICENSE",
      "README.md",
      "package.json",
    ]);
    expect(paths).toContain("dist/package/cli.js");
    expect(
      paths.some((path) => path.endsWith(".ts") || path.startsWith("src/") || path.startsWith("test/")),
    ).toBe(false);

    // The package has no runtime dependencies: it installs with no network at all.
    writeFileSync(join(folder, "package.json"), '{"name":"consumer","private":true}');
    execFileSync(NPM, ["install", "--offline", "--no-audit", "--no-fund", join(folder, tarball.filename)], {
      cwd: folder,
      stdio: "ignore",
    });
    expect(readdirSync(join(folder, "node_modules")).filter((name) => !name.startsWith("."))).toEqual([
      "contabo-users-mcp",
    ]);

    const transport = new StdioClientTransport({
      command: NPX,
      args: ["--offline", "contabo-users-mcp", "--sandbox"],
      cwd: folder,
      stderr: "ignore",
    });
    const client = new Client({ name: "package-test", version: "1.0.0" });
    await client.connect(transport);
    onTestFinished(() => client.close());
    const { tools } = await client.listTools();
    expect(tools).toHaveLength(TOOLS.length);
    const result = await client.callTool({ name: "retrieve_user_list", arguments: { size: 1 } });
    expect(result.structuredContent).toMatchObject({ pagination: { totalElements: 25 } });
  }, 60_000);
});

describe("the MCP Bundle", () => {
  it("validates, packs, and its server starts from the unpacked bundle with the manifest's settings", async () => {
    execFileSync(process.execPath, ["scripts/mcpb.mjs"], { cwd: ROOT, stdio: "ignore" });
    const folder = mkdtempSync(join(tmpdir(), "contabo-users-mcpb-"));
    onTestFinished(() => rmSync(folder, { recursive: true, force: true }));
    const mcpbCli = join(ROOT, "node_modules/@anthropic-ai/mcpb/dist/cli/cli.js");
    execFileSync(process.execPath, [mcpbCli, "unpack", join(ROOT, "dist/contabo-users-mcp.mcpb"), folder], {
      stdio: "ignore",
    });

    const manifest = JSON.parse(readFileSync(join(folder, "manifest.json"), "utf8")) as {
      server: { mcp_config: { command: string; args: string[]; env: Record<string, string> } };
      user_config: Record<string, { sensitive?: boolean; default?: unknown }>;
    };
    expect(manifest.user_config.client_secret?.sensitive).toBe(true);
    expect(manifest.user_config.api_password?.sensitive).toBe(true);
    // What Claude Desktop does: substitute the bundle folder and the settings the user gave; a setting
    // left blank stays as its literal placeholder, which the server must treat as unset.
    const settings: Record<string, string> = { sandbox: "true", read_only: "true", confirm_mode: "auto" };
    const substitute = (value: string) =>
      value
        .replace(/\$\{__dirname\}/g, folder)
        .replace(/\$\{user_config\.(\w+)\}/g, (placeholder, key: string) => settings[key] ?? placeholder);
    const { args, env } = manifest.server.mcp_config;
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: args.map(substitute),
      env: {
        PATH: process.env.PATH ?? "",
        ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, substitute(v)])),
      },
      stderr: "ignore",
    });
    const client = new Client({ name: "mcpb-test", version: "1.0.0" });
    await client.connect(transport);
    onTestFinished(() => client.close());
    const { tools } = await client.listTools();
    // read_only=true took effect: only the read tools.
    expect(tools.map((tool) => tool.name).sort()).toEqual(
      TOOLS.filter((tool) => tool.annotations.readOnlyHint)
        .map((tool) => tool.name)
        .sort(),
    );
    const result = await client.callTool({ name: "retrieve_user_list", arguments: { size: 1 } });
    expect(result.structuredContent).toMatchObject({ pagination: { totalElements: 25 } });
  }, 60_000);
});
