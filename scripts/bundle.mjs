// Bundles the CLI and its dependencies into dist/package: what the npm package and the MCP Bundle
// ship. Code splitting keeps the HTTP transport and the sandbox in chunks that load only when used.

import { rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { build, transform } from "esbuild";
import { TOOLS } from "../dist/tools/registry.js";
import { prepareToolListing, toolListing } from "../dist/tools/tool-listing.js";
import { thirdPartyNotices } from "./third-party-notices.mjs";

/** Whether a file of a package is an ES module: by its extension, else its package.json's "type". */
const moduleTypes = new Map();
async function isEsModule(path) {
  if (path.endsWith(".mjs")) return true;
  if (path.endsWith(".cjs")) return false;
  for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
    if (!moduleTypes.has(dir)) {
      const manifest = await readFile(join(dir, "package.json"), "utf8").catch(() => undefined);
      moduleTypes.set(dir, manifest === undefined ? undefined : JSON.parse(manifest).type === "module");
    }
    const type = moduleTypes.get(dir);
    if (type !== undefined) return type;
  }
  return false;
}

/**
 * The dependencies' local identifiers are minified as each file loads: their error classes name
 * themselves (this.name = "SdkError"), and a smaller bundle compiles faster at every start. Exports
 * keep their names, and so does all of our own code, and so does a file that reads
 * `this.constructor.name` (jose names its errors so).
 */
const minifiedDependencies = {
  name: "minified-dependencies",
  setup(bundle) {
    bundle.onLoad({ filter: /[\\/]node_modules[\\/].*\.[cm]?js$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      if (source.includes("this.constructor.name")) return undefined;
      // In an ES module the top-level scope is the module's own, so its names shrink too.
      const esm = await isEsModule(args.path);
      const { code } = await transform(source, {
        loader: "js",
        ...(esm ? { format: "esm" } : {}),
        minifyIdentifiers: true,
        sourcemap: "inline",
        sourcefile: args.path,
      });
      return { contents: code, loader: "js", resolveDir: dirname(args.path) };
    });
  },
};

/**
 * zod re-exports all its 60-odd locales as `z.locales` and `z.core.locales` (about 300 kB of the bundle, parsed at every
 * start); the messages used are the English ones, which zod configures by default. `z.locales`
 * keeps only `en`.
 */
const englishOnlyZod = {
  name: "english-only-zod",
  setup(bundle) {
    bundle.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic[\\/]external|core[\\/]index)\.js$/.test(args.importer)
        ? { path: join(dirname(args.importer), "../locales/en.js"), namespace: "english-locales" }
        : undefined,
    );
    bundle.onLoad({ filter: /.*/, namespace: "english-locales" }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      loader: "js",
      resolveDir: dirname(args.path),
    }));
  },
};

// Chunk names carry content hashes: start clean so that no stale chunk is shipped.
rmSync("dist/package", { recursive: true, force: true });

// The listing is made from the implementations, which are loaded for it here (and never at a start).
await prepareToolListing(TOOLS);
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
  plugins: [englishOnlyZod, minifiedDependencies],
});

// The licences of everything bundled, shipped with it.
writeFileSync("dist/package/THIRD_PARTY_NOTICES.md", thirdPartyNotices(result.metafile));
