// Regenerates the README's tool table from the built tool registry (run by `npm run docs`).
import { readFileSync, writeFileSync } from "node:fs";
import { withToolTable } from "../dist/docs/tool-table.js";
import { TOOLS } from "../dist/tools/registry.js";

const path = new URL("../README.md", import.meta.url);
const before = readFileSync(path, "utf8");
const after = withToolTable(before, TOOLS);
if (after === before) {
  console.error("README tool table is up to date.");
} else {
  writeFileSync(path, after);
  console.error("README tool table updated.");
}
