// `fs` with the `globSync` that Node 22 added, for @modelcontextprotocol/conformance 0.1.16 on Node 20.
// It only ever asks for patterns like `**/checks.json`: a recursive walk matching the last segment.
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";

export * from "node:fs";
export { default } from "node:fs";

export function globSync(pattern, options = {}) {
  const cwd = options.cwd ?? process.cwd();
  const name = String(pattern).split("/").pop();
  const found = [];
  const walk = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name === name) found.push(relative(cwd, path));
    }
  };
  walk(cwd);
  return found;
}
