import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { UsersApi } from "../../src/client/users-api.js";
import { withManifestTools } from "../../src/docs/manifest.js";
import { withResourcesAndPrompts } from "../../src/docs/resources-prompts-table.js";
import { renderToolTable, withToolTable } from "../../src/docs/tool-table.js";
import { TOOLS } from "../../src/tools/registry.js";
import { connectClient } from "../helpers/mcp.js";

const unusedApi = {} as UsersApi;

describe("the public tool surface", () => {
  it("lists every tool of the registry, in its order (the tools/list snapshot pins names and schemas)", async () => {
    const client = await connectClient(unusedApi);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(TOOLS.map((tool) => tool.name));
    expect(tools.length).toBeGreaterThanOrEqual(17);
  });

  it("keeps the tool definitions, every token of which is paid in every conversation, within 3,600 tokens (room for new tools under 4,000)", async () => {
    const client = await connectClient(unusedApi);
    const { tools } = await client.listTools();
    const bytes = Buffer.byteLength(JSON.stringify({ tools }));
    expect(bytes / 4).toBeLessThanOrEqual(3_600);
  });

  it("annotates every tool deliberately", async () => {
    const client = await connectClient(unusedApi);
    const { tools } = await client.listTools();
    const byName = Object.fromEntries(tools.map((t) => [t.name, t.annotations]));
    // What a name promises: retrieve_, list_, get_ and auth_status only read; delete_ destroys.
    const reads = tools.map((t) => t.name).filter((name) => /^(retrieve|list|get)_|^auth_status$/.test(name));
    const defined = (name: string) => TOOLS.find((tool) => tool.name === name)?.annotations;
    for (const tool of tools) {
      const hints = byName[tool.name];
      // The title once, at the top level.
      expect(tool.title, tool.name).toBeTruthy();
      expect(hints?.title, tool.name).toBeUndefined();
      expect(hints?.readOnlyHint, tool.name).toBe(reads.includes(tool.name));
      if (reads.includes(tool.name)) {
        // The spec gives these a meaning only when readOnlyHint is false.
        expect(hints, tool.name).not.toHaveProperty("destructiveHint");
        expect(hints, tool.name).not.toHaveProperty("idempotentHint");
      } else {
        expect(hints?.destructiveHint, tool.name).toBe(defined(tool.name)?.destructiveHint);
        expect(hints?.idempotentHint, tool.name).toBe(defined(tool.name)?.idempotentHint);
        if (tool.name.startsWith("delete_")) expect(hints?.destructiveHint, tool.name).toBe(true);
      }
      // Every tool reaches Contabo: openWorldHint is true, the spec's default, so it is not listed.
      expect(hints, tool.name).not.toHaveProperty("openWorldHint");
      expect(TOOLS.find((defined) => defined.name === tool.name)?.annotations.openWorldHint, tool.name).toBe(
        true,
      );
      expect(tool.outputSchema, tool.name).toBeDefined();
      expect(tool.inputSchema.additionalProperties, tool.name).toBe(false);
    }
  });

  it("matches the pinned snapshot of names, schemas and annotations", async () => {
    const client = await connectClient(unusedApi);
    const { tools } = await client.listTools();
    // Regenerate on purpose only: `npx vitest run test/tools/surface.test.ts -u`, and review the diff.
    await expect(`${JSON.stringify(tools, null, 2)}\n`).toMatchFileSnapshot("__snapshots__/tools-list.json");
  });

  it("the MCP Bundle manifest lists the registry's tools and the package version (npm run docs)", () => {
    const manifest = readFileSync(new URL("../../manifest.json", import.meta.url), "utf8");
    expect(withManifestTools(manifest, TOOLS)).toBe(manifest);
  });

  it("the README's tool table is generated from the registry and up to date (npm run docs)", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    expect(readme).toContain(renderToolTable(TOOLS));
    expect(withToolTable(readme, TOOLS)).toBe(readme);
    expect(withResourcesAndPrompts(readme)).toBe(readme);
  });
});
