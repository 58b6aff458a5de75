import { describe, expect, it } from "vitest";
import { ContaboConfigError } from "../../src/client/errors.js";
import { readCommand, UsageError } from "../../src/config.js";
import { describeFailure, StartupError, withJsonLineAndColumn } from "../../src/main.js";
import { selectTools } from "../../src/safety/tool-filter.js";
import { debugRequested } from "../../src/shared/log.js";
import { TOOLS } from "../../src/tools/registry.js";

describe("what a failed start prints", () => {
  it("a usage error: one line and --help, exit code 2", () => {
    expect(describeFailure(new UsageError("--confirm must be one of auto"), false)).toEqual({
      text: "contabo-users-mcp: --confirm must be one of auto (see --help)\n",
      code: 2,
    });
  });

  it("a startup error and a configuration error: one line, exit code 1", () => {
    expect(describeFailure(new StartupError("fix the file"), false)).toEqual({
      text: "contabo-users-mcp: fix the file\n",
      code: 1,
    });
    expect(
      describeFailure(new ContaboConfigError("CONTABO_API_URL must use https.", "Use https."), false),
    ).toEqual({
      text: "contabo-users-mcp: CONTABO_API_URL must use https. Use https.\n",
      code: 1,
    });
  });

  it("a listen error: what to change", () => {
    const busy = Object.assign(new Error("listen EADDRINUSE"), {
      code: "EADDRINUSE",
      syscall: "listen",
      port: 3000,
    });
    expect(describeFailure(busy, false).text).toBe(
      "contabo-users-mcp: port 3000 is in use: choose another with --port N (0 picks a free one)\n",
    );
    const denied = Object.assign(new Error("listen EACCES"), { code: "EACCES", syscall: "listen", port: 80 });
    expect(describeFailure(denied, false).text).toContain("choose a port above 1023 with --port N");
  });

  it("an unexpected error: one line, and its stack only with --log-level debug", () => {
    class OddError extends Error {
      override name = "OddError";
    }
    const error = new OddError("something odd");
    expect(describeFailure(error, false)).toEqual({
      text: "contabo-users-mcp: OddError: something odd (run with --log-level debug for the stack)\n",
      code: 1,
    });
    const debug = describeFailure(error, true).text;
    expect(debug).toContain("OddError: something odd");
    expect(debug).toMatch(/\n\s+at /);
  });

  it("a JSON position becomes a line and column of the file", () => {
    const text = '{\n  "a": 1\n  "b": 2\n}';
    const position = text.indexOf('"b"');
    expect(
      withJsonLineAndColumn(
        `f.json is not JSON (Expected ',' at position ${position})`,
        "f.json",
        () => text,
      ),
    ).toBe("f.json is not JSON (Expected ',' at line 3, column 3)");
    expect(withJsonLineAndColumn("no position here", "f.json", () => text)).toBe("no position here");
  });

  it("debug is asked for by --log-level debug, --log-level=debug or CONTABO_MCP_LOG_LEVEL", () => {
    expect(debugRequested(["--sandbox", "--log-level", "debug"], {})).toBe(true);
    expect(debugRequested(["--log-level=debug"], {})).toBe(true);
    expect(debugRequested([], { CONTABO_MCP_LOG_LEVEL: "debug" })).toBe(true);
    expect(debugRequested(["--log-level", "info"], { CONTABO_MCP_LOG_LEVEL: "debug" })).toBe(false);
    expect(debugRequested(["--sandbox"], {})).toBe(false);
  });
});

describe("command line checks", () => {
  it("flag errors are short", () => {
    expect(() => readCommand(["--port"], {})).toThrow(new UsageError("--port needs a value"));
    expect(() => readCommand(["--sandbox=yes"], {})).toThrow(new UsageError("--sandbox takes no value"));
    expect(() => readCommand(["-x"], {})).toThrow(new UsageError("unknown option -x"));
  });

  it("--sandbox names the real API settings it ignores, and only with --sandbox", () => {
    const env = { CONTABO_CLIENT_ID: "INT-1", CONTABO_ACCESS_TOKEN: "t", CONTABO_API_USER: " " };
    expect(readCommand(["--sandbox"], env)).toMatchObject({
      ignoredVariables: ["CONTABO_CLIENT_ID", "CONTABO_ACCESS_TOKEN"],
    });
    expect(readCommand([], { ...env, CONTABO_MCP_SANDBOX: "true" })).toMatchObject({
      ignoredVariables: ["CONTABO_CLIENT_ID", "CONTABO_ACCESS_TOKEN"],
    });
    expect(readCommand([], env)).toMatchObject({ ignoredVariables: [] });
  });

  it("a tool selection that leaves no tool is refused, naming why", () => {
    expect(() => selectTools(TOOLS, { readOnly: true, allow: ["delete_user", "create_*"] })).toThrow(
      "--read-only with --tools delete_user,create_* leaves no tool to offer (create_user, delete_user can change data)",
    );
    expect(selectTools(TOOLS, { readOnly: true, allow: ["delete_user", "retrieve_user"] }).enabled).toEqual(
      new Set(["retrieve_user"]),
    );
  });
});
