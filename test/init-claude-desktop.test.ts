import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { claudeDesktopConfigPath, installIntoClaudeDesktop } from "../src/init/claude-desktop.js";

const CLI = fileURLToPath(new URL("../dist/package/cli.js", import.meta.url));

function existingConfig(): string {
  const folder = mkdtempSync(join(tmpdir(), "claude-config-"));
  const path = join(folder, "claude_desktop_config.json");
  writeFileSync(
    path,
    JSON.stringify({
      globalShortcut: "Ctrl+Space",
      mcpServers: { filesystem: { command: "npx", args: ["-y", "fs-mcp"] } },
    }),
  );
  return path;
}

describe("init claude-desktop", () => {
  it("knows where Claude Desktop keeps its config on each OS", () => {
    expect(claudeDesktopConfigPath("darwin", {}, "/Users/me")).toBe(
      "/Users/me/Library/Application Support/Claude/claude_desktop_config.json",
    );
    expect(
      claudeDesktopConfigPath("win32", { APPDATA: "C:\\Users\\me\\AppData\\Roaming" }, "C:\\Users\\me"),
    ).toBe(join("C:\\Users\\me\\AppData\\Roaming", "Claude", "claude_desktop_config.json"));
    expect(claudeDesktopConfigPath("linux", {}, "/home/me")).toBe(
      "/home/me/.config/Claude/claude_desktop_config.json",
    );
  });

  it("adds the entry, keeps every other entry and setting, and leaves a backup", () => {
    const path = existingConfig();
    const before = readFileSync(path, "utf8");
    const result = installIntoClaudeDesktop({
      configPath: path,
      name: "contabo-users",
      sandbox: false,
      env: { CONTABO_CLIENT_ID: "INT-1", CONTABO_CLIENT_SECRET: "s", PATH: "/bin" },
      now: () => new Date("2026-11-29T00:00:00Z"),
    });
    expect(result).toMatchObject({
      action: "added",
      variables: ["CONTABO_CLIENT_ID", "CONTABO_CLIENT_SECRET"],
    });
    expect(readFileSync(result.backup ?? "", "utf8")).toBe(before);
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({
      globalShortcut: "Ctrl+Space",
      mcpServers: {
        filesystem: { command: "npx", args: ["-y", "fs-mcp"] },
        "contabo-users": {
          command: "npx",
          args: ["-y", "contabo-users-mcp"],
          env: { CONTABO_CLIENT_ID: "INT-1", CONTABO_CLIENT_SECRET: "s" },
        },
      },
    });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it("updates its own entry on a second run, e.g. to the sandbox with a local path", () => {
    const path = existingConfig();
    installIntoClaudeDesktop({ configPath: path, name: "contabo-users", sandbox: false, env: {} });
    const result = installIntoClaudeDesktop({
      configPath: path,
      name: "contabo-users",
      sandbox: true,
      local: { node: "/usr/bin/node", cli: "/opt/contabo-users-mcp/dist/package/cli.js" },
      env: { CONTABO_CLIENT_ID: "ignored in sandbox mode" },
    });
    expect(result.action).toBe("updated");
    const config = JSON.parse(readFileSync(path, "utf8"));
    expect(config.mcpServers["contabo-users"]).toEqual({
      command: "/usr/bin/node",
      args: ["/opt/contabo-users-mcp/dist/package/cli.js", "--sandbox"],
    });
    expect(Object.keys(config.mcpServers)).toEqual(["filesystem", "contabo-users"]);
  });

  it("keeps the credentials saved by an earlier run when this shell has none", () => {
    const path = existingConfig();
    installIntoClaudeDesktop({
      configPath: path,
      name: "contabo-users",
      sandbox: false,
      env: { CONTABO_CLIENT_ID: "INT-1", CONTABO_API_PASSWORD: "saved" },
    });
    installIntoClaudeDesktop({
      configPath: path,
      name: "contabo-users",
      sandbox: false,
      local: { node: "/usr/bin/node", cli: "/opt/cli.js" },
      env: { CONTABO_CLIENT_ID: "INT-2" },
    });
    expect(JSON.parse(readFileSync(path, "utf8")).mcpServers["contabo-users"]).toEqual({
      command: "/usr/bin/node",
      args: ["/opt/cli.js"],
      env: { CONTABO_CLIENT_ID: "INT-2", CONTABO_API_PASSWORD: "saved" },
    });
  });

  it("creates a missing config file, and never touches one that is not valid JSON", () => {
    const folder = mkdtempSync(join(tmpdir(), "claude-config-"));
    const fresh = join(folder, "Claude", "claude_desktop_config.json");
    expect(
      installIntoClaudeDesktop({ configPath: fresh, name: "contabo-users", sandbox: true, env: {} }),
    ).toMatchObject({
      action: "added",
      backup: undefined,
    });
    const broken = join(folder, "broken.json");
    writeFileSync(broken, "{ not json");
    expect(() => installIntoClaudeDesktop({ configPath: broken, name: "x", sandbox: true, env: {} })).toThrow(
      "is not a valid JSON object",
    );
    expect(readFileSync(broken, "utf8")).toBe("{ not json");
    expect(readdirSync(folder).sort()).toEqual(["Claude", "broken.json"]);
  });

  it("runs from the command line; from a clone it writes this clone's absolute paths (npx cannot find it)", () => {
    const path = existingConfig();
    const output = execFileSync(
      process.execPath,
      [CLI, "init", "claude-desktop", "--sandbox", "--config", path],
      {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    expect(output).toBe("");
    expect(JSON.parse(readFileSync(path, "utf8")).mcpServers["contabo-users"]).toEqual({
      command: process.execPath,
      args: [CLI, "--sandbox"],
    });
  });
});
