// Regenerates what is made from the registries (run by `npm run docs`): the README's tool, resource
// and prompt tables, and the tools and version of the MCP Bundle manifest.
import { readFileSync, writeFileSync } from "node:fs";
import { withManifestTools } from "../dist/docs/manifest.js";
import { withResourcesAndPrompts } from "../dist/docs/resources-prompts-table.js";
import { withToolTable } from "../dist/docs/tool-table.js";
import { TOOLS } from "../dist/tools/registry.js";
import { prepareToolListing } from "../dist/tools/tool-listing.js";

await prepareToolListing(TOOLS);

for (const [file, update] of [
  ["README.md", (text) => withResourcesAndPrompts(withToolTable(text, TOOLS))],
  ["manifest.json", (text) => withManifestTools(text, TOOLS)],
]) {
  const path = new URL(`../${file}`, import.meta.url);
  const before = readFileSync(path, "utf8");
  const after = update(before);
  if (after !== before) writeFileSync(path, after);
  console.error(`${file}: ${after === before ? "up to date" : "updated"}`);
}
