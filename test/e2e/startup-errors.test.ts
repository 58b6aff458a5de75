import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { CLI, cleanEnv, exited, runCli } from "../helpers/cli.js";

/** A port held by another listener for the length of the test. */
async function busyPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** The lines of stderr that are not JSON log lines: what a person reads. */
function plainLines(stderr: string): string[] {
  return stderr.split("\n").filter((line) => line !== "" && !line.startsWith("{"));
}

describe("a failed start says what to do in one line", () => {
  it("--http on a busy port: the port and --port, no stack, exit 1 after closing the sandbox", async () => {
    const port = await busyPort();
    const server = runCli(["--http", "--sandbox", "--port", String(port)]);
    expect(await server.exit()).toBe(1);
    expect(server.stderr()).toContain("sandbox mode"); // it had started the sandbox
    expect(plainLines(server.stderr())).toEqual([
      `contabo-users-mcp: port ${port} is in use: choose another with --port N (0 picks a free one)`,
    ]);
  });

  it("the sandbox command on a busy port: the same line, exit 1", async () => {
    const port = await busyPort();
    const sandbox = runCli(["sandbox", "--port", String(port)]);
    expect(await sandbox.exit()).toBe(1);
    expect(plainLines(sandbox.stderr())).toEqual([
      `contabo-users-mcp: port ${port} is in use: choose another with --port N (0 picks a free one)`,
    ]);
  });

  it("init claude-desktop on a file that is not JSON: the file and the line and column of the error", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "init-bad-json-")), "claude_desktop_config.json");
    writeFileSync(file, '{\n  "mcpServers": {}\n  "other": 1\n}\n');
    const init = runCli(["init", "claude-desktop", "--config", file]);
    expect(await init.exit()).toBe(1);
    const lines = plainLines(init.stderr());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`contabo-users-mcp: ${file} is not a valid JSON object`);
    expect(lines[0]).toContain("at line 3, column 3");
    expect(init.stderr()).not.toMatch(/^\s+at /m);
  });

  it("a wrong flag: one line and --help, not the whole usage, exit 2", async () => {
    const cli = runCli(["--nope"]);
    expect(await cli.exit()).toBe(2);
    expect(cli.stderr()).toBe("contabo-users-mcp: unknown option --nope (see --help)\n");
    const missing = runCli(["--http", "--port"]);
    expect(await missing.exit()).toBe(2);
    expect(missing.stderr()).toBe("contabo-users-mcp: --port needs a value (see --help)\n");
  });

  it("a tool selection that leaves no tool is refused, saying why", async () => {
    const cli = runCli(["--sandbox", "--read-only", "--tools", "delete_user"]);
    expect(await cli.exit()).toBe(2);
    expect(plainLines(cli.stderr())).toEqual([
      "contabo-users-mcp: --read-only with --tools delete_user leaves no tool to offer (delete_user can change data): drop --read-only, or name read-only tools such as retrieve_* (see --help)",
    ]);
  });
});

describe("starts that would otherwise be silent", () => {
  it("--sandbox with CONTABO_* credentials set warns that they are ignored", async () => {
    const server = runCli(["--sandbox"], {
      CONTABO_CLIENT_ID: "INT-1",
      CONTABO_API_PASSWORD: "real-password",
      CONTABO_API_URL: "https://api.contabo.com",
    });
    const [line = ""] = await server.until(/^.*are ignored.*$/m);
    const warning = JSON.parse(line) as Record<string, unknown>;
    expect(warning).toMatchObject({
      level: "warn",
      ignored: "CONTABO_CLIENT_ID,CONTABO_API_PASSWORD,CONTABO_API_URL",
    });
    expect(line).not.toContain("real-password");
  });

  it("--sandbox without CONTABO_* set: no such warning", async () => {
    const server = runCli(["--sandbox"]);
    await server.until(/serving MCP/);
    expect(server.stderr()).not.toContain("are ignored");
  });

  // `script` gives the server a terminal as stdin, as when a person starts it by hand.
  it.skipIf(process.platform !== "linux")("stdio on a terminal prints one hint line", async () => {
    const child = spawn("script", ["-qfec", `"${process.execPath}" "${CLI}" --sandbox`, "/dev/null"], {
      env: cleanEnv(),
      stdio: ["pipe", "pipe", "pipe"],
    });
    onTestFinished(() => {
      child.kill("SIGKILL");
    });
    let output = "";
    await new Promise<void>((resolve) => {
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("Ctrl+C quits")) resolve();
      });
    });
    const hints = output.split(/\r?\n/).filter((line) => line.startsWith("contabo-users-mcp: waiting"));
    expect(hints).toEqual([
      "contabo-users-mcp: waiting for an MCP client on stdin (JSON-RPC, not typed commands). To try it, run `npm run demo` in a clone, or add it to a client with `contabo-users-mcp init claude-desktop`. Ctrl+C quits.",
    ]);
    child.kill("SIGTERM");
    await exited(child);
  });

  it("stdio on a pipe (an MCP client) prints no hint", async () => {
    const server = runCli(["--sandbox"]);
    await server.until(/serving MCP/);
    server.child.stdin.end();
    await server.exit();
    expect(server.stderr()).not.toContain("waiting for an MCP client");
  });
});
