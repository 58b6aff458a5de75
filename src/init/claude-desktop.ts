import { randomUUID } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { CREDENTIAL_VARIABLES } from "../client/credentials.js";
import { SERVER_NAME } from "../version.js";

/** Claude Desktop's config file on this OS. */
export function claudeDesktopConfigPath(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  if (platform === "darwin")
    return join(home, "Library", "Application Support", "Claude", "claude_desktop_config.json");
  if (platform === "win32")
    return join(env.APPDATA ?? join(home, "AppData", "Roaming"), "Claude", "claude_desktop_config.json");
  return join(env.XDG_CONFIG_HOME ?? join(home, ".config"), "Claude", "claude_desktop_config.json");
}

export interface InstallOptions {
  configPath: string;
  /** The key under mcpServers. */
  name: string;
  /** Serve the sandbox: a first try without an account. */
  sandbox: boolean;
  /** Run this installation (node + its CLI path) instead of `npx -y contabo-users-mcp`. */
  local?: { node: string; cli: string };
  /** The environment to copy CONTABO_* credentials from. */
  env: NodeJS.ProcessEnv;
  now?: () => Date;
}

export interface InstallResult {
  action: "added" | "updated";
  path: string;
  backup?: string;
  /** Names of the variables written into the entry (never their values). */
  variables: string[];
}

const PASSED_VARIABLES = [
  ...Object.values(CREDENTIAL_VARIABLES),
  "CONTABO_ACCESS_TOKEN",
  "CONTABO_API_URL",
  "CONTABO_AUTH_URL",
  "CONTABO_MCP_CONFIRM_KEY",
];

/**
 * Adds or updates this server's entry in Claude Desktop's config, keeping every other entry and
 * setting, after a backup copy of the file. A file that is not valid JSON is left untouched.
 */
export function installIntoClaudeDesktop(options: InstallOptions): InstallResult {
  const { configPath, name } = options;
  let config: Record<string, unknown> = {};
  let backup: string | undefined;
  if (existsSync(configPath)) {
    const text = readFileSync(configPath, "utf8");
    try {
      const parsed: unknown = text.trim() === "" ? {} : JSON.parse(text);
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
        throw new Error("not an object");
      config = parsed as Record<string, unknown>;
    } catch (error) {
      throw new Error(
        `${configPath} is not a valid JSON object (${error instanceof Error ? error.message : String(error)}); fix or move it, then run init again. It was not changed.`,
      );
    }
    const stamp = (options.now?.() ?? new Date()).toISOString().replace(/[:.]/g, "-");
    backup = `${configPath}.${stamp}.bak`;
    copyFileSync(configPath, backup);
  }
  const servers = isRecord(config.mcpServers) ? { ...config.mcpServers } : {};
  const previous = servers[name];
  const action = previous === undefined ? "added" : "updated";
  const variables = options.sandbox ? [] : PASSED_VARIABLES.filter((variable) => options.env[variable]);
  const flags = options.sandbox ? ["--sandbox"] : [];
  // Variables saved by an earlier run stay, unless this shell sets them anew (or the entry is now the sandbox).
  const savedEnv = !options.sandbox && isRecord(previous) && isRecord(previous.env) ? previous.env : {};
  const env = { ...savedEnv, ...Object.fromEntries(variables.map((v) => [v, options.env[v] ?? ""])) };
  servers[name] = {
    ...(options.local
      ? { command: options.local.node, args: [options.local.cli, ...flags] }
      : { command: "npx", args: ["-y", SERVER_NAME, ...flags] }),
    ...(Object.keys(env).length > 0 ? { env } : {}),
  };
  writeAtomically(configPath, `${JSON.stringify({ ...config, mcpServers: servers }, null, 2)}\n`);
  return { action, path: configPath, backup, variables };
}

/** Writes through a private temporary file renamed over the target (a symlinked config keeps its link). */
function writeAtomically(path: string, text: string): void {
  const target = existsSync(path) ? realpathSync(path) : path;
  mkdirSync(dirname(target), { recursive: true });
  const temporary = join(dirname(target), `.${randomUUID()}.tmp`);
  try {
    writeFileSync(temporary, text, { mode: 0o600, flag: "wx" });
    renameSync(temporary, target);
  } finally {
    rmSync(temporary, { force: true });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
