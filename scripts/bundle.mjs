// Bundles the CLI and its dependencies into dist/package: what the npm package and the MCP Bundle
// ship. Code splitting keeps the HTTP transport and the sandbox in chunks that load only when used.
import { rmSync, writeFileSync } from "node:fs";
import { build } from "esbuild";
import { TOOLS } from "../dist/tools/registry.js";
import { toolListing } from "../dist/tools/tool-listing.js";
import { thirdPartyNotices } from "./third-party-notices.mjs";

// Chunk names carry content hashes: start clean so that no stale chunk is shipped.
rmSync("dist/package", { recursive: true, force: true });

const result = await build({
  entryPoints: { cli: "src/cli.ts" },
  outdir: "dist/package",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  chunkNames: "chunks/[name]-[hash]",
  // Whitespace and syntax are minified, identifiers are not: class and function names survive, so
  // logs say "ContaboNetworkError", not "h". (esbuild's keepNames does the same with a __name() call
  // per function and class at load, which cost about 40 ms of CPU at start, over the cold start's budget.)
  minifyWhitespace: true,
  minifySyntax: true,
  // Linked source maps ship next to each file; the CLI turns them on when it prints a stack.
  sourcemap: "linked",
  // Names and lines are what a stack needs; the sources themselves stay out of the package.
  sourcesContent: false,
  legalComments: "linked",
  // The tools/list result, made now rather than at every start (see src/tools/tool-listing.ts).
  define: { __TOOL_LISTING_JSON__: JSON.stringify(JSON.stringify(toolListing(TOOLS))) },
  banner: {
    // Some bundled CommonJS dependencies call require(); give them one.
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: "warning",
  metafile: true,
});

// The licences of everything bundled, shipped with it.
writeFileSync("dist/package/THIRD_PARTY_NOTICES.md", thirdPartyNotices(result.metafile));
