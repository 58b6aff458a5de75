// Builds the MCP Bundle for Claude Desktop (run by `npm run bundle` after `npm run build`):
// validates manifest.json, stages it with the bundled server, and packs dist/contabo-users-mcp.mcpb.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const stage = `${root}dist/mcpb`;
const mcpb = (...args) =>
  execFileSync(process.execPath, [`${root}node_modules/@anthropic-ai/mcpb/dist/cli/cli.js`, ...args], {
    stdio: "inherit",
  });

mcpb("validate", `${root}manifest.json`);
rmSync(stage, { recursive: true, force: true });
mkdirSync(`${stage}/dist`, { recursive: true });
for (const file of ["manifest.json", "README.md", "LICENSE"]) cpSync(`${root}${file}`, `${stage}/${file}`);
cpSync(`${root}dist/package`, `${stage}/dist/package`, { recursive: true });
mcpb("pack", stage, `${root}dist/contabo-users-mcp.mcpb`);
