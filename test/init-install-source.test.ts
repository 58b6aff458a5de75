import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { launchFor } from "../src/init/install-source.js";

describe("how init makes Claude Desktop start this server", () => {
  const node = "/usr/bin/node";

  it("runs a clone by its absolute paths: npx would not find an unpublished package", () => {
    const cli = join("/", "home", "me", "contabo-users-mcp", "dist", "package", "cli.js");
    expect(launchFor(cli, node)).toEqual({ node, cli });
  });

  it("leaves a registry install (npx cache, global install) to npx -y, unless --local is asked", () => {
    const cli = join(
      "/",
      "home",
      "me",
      ".npm",
      "_npx",
      "abc",
      "node_modules",
      "contabo-users-mcp",
      "dist",
      "package",
      "cli.js",
    );
    expect(launchFor(cli, node)).toBeUndefined();
    expect(launchFor(cli, node, { forceLocal: true })).toEqual({ node, cli });
  });
});
