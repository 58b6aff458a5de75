/**
 * Imports run downwards only: each folder (or top-level file) of src/ has a layer, and a module
 * may import from a lower layer, or from its own folder; never from a higher layer or from a
 * sibling folder of the same layer. Type-only imports count too: they couple the code as much.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../src/", import.meta.url));

/** Higher layers first. Entries of the top layer may import each other (the CLI dispatches). */
const LAYERS: readonly (readonly string[])[] = [
  ["cli.ts", "main.ts", "config.ts", "demo.ts", "init", "docs"],
  ["transports", "approvals", "redis", "sandbox"],
  ["mcp"],
  ["resources", "prompts"],
  ["tools"],
  ["safety", "client"],
  ["contabo-api-schemas", "shared", "metrics", "version.ts"],
];
const TOP = 0;

const rankOf = new Map(LAYERS.flatMap((names, rank) => names.map((name) => [name, rank] as const)));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

/** The folder under src/ a file belongs to, or the file's own name when it sits in src/. */
function unitOf(path: string): string {
  const [first = ""] = relative(SRC, path).split("/");
  return first;
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s*["'](\.{1,2}\/[^"']+)["']|\bimport\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g;

function importsOf(path: string): string[] {
  const text = readFileSync(path, "utf8");
  return [...text.matchAll(IMPORT)].map((match) =>
    normalize(join(dirname(path), (match[1] ?? match[2] ?? "").replace(/\.js$/, ".ts"))),
  );
}

describe("layers", () => {
  const files = sourceFiles(SRC);

  it("names a layer for every folder and top-level file of src/", () => {
    const units = [...new Set(files.map(unitOf))].sort();
    expect(units.filter((unit) => !rankOf.has(unit))).toEqual([]);
  });

  it("has no import that runs upward or sideways", () => {
    const wrong: string[] = [];
    for (const file of files) {
      const from = unitOf(file);
      const fromRank = rankOf.get(from) ?? -1;
      for (const target of importsOf(file)) {
        const to = unitOf(target);
        if (to === from) continue;
        const toRank = rankOf.get(to) ?? -1;
        if (toRank > fromRank || (toRank === fromRank && fromRank === TOP)) continue;
        wrong.push(`${relative(SRC, file)} -> ${relative(SRC, target)}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
