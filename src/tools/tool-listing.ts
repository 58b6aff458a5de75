import type { Tool } from "@modelcontextprotocol/server";
import { loadTools, type ToolDefinition, type ToolImplementation } from "./define-tool.js";

/** The listing's builder (zod's JSON Schema conversion and the trimming), loaded only when a listing is made. */
let builder: typeof import("./listing-schemas.js") | undefined;

/**
 * The `tools/list` result, made once per set of tools: the bundle's, made at build time, when it
 * applies; else made from the implementations (tools/listing-schemas.ts). Every token of it is paid
 * in every conversation.
 */
export function toolListing(tools: readonly ToolDefinition[], { withTokens = false } = {}): Tool[] {
  const cache = withTokens ? tokenListings : listings;
  const cached = cache.get(tools) ?? (withTokens ? undefined : precomputedFor(tools));
  if (cached) return cached;
  const made = builder;
  if (!made)
    throw new Error("the tool listing is made from the implementations: await prepareToolListing first");
  const listing = tools.map((tool) =>
    made.listedTool(tool, implementationOf(tool), withTokens, listedAnnotations(tool)),
  );
  cache.set(tools, listing);
  return listing;
}

/**
 * Makes `toolListing` answer at once: nothing to do when the bundle carries the listing; otherwise
 * (tests, an unbundled start, --confirm token) every implementation, and the builder, is loaded first.
 */
export async function prepareToolListing(
  tools: readonly ToolDefinition[],
  { withTokens = false } = {},
): Promise<void> {
  if (!withTokens && precomputedFor(tools)) return;
  builder ??= await import("./listing-schemas.js");
  await loadTools(tools);
}

function implementationOf(tool: ToolDefinition): ToolImplementation {
  const implementation = tool.loaded();
  if (!implementation) {
    throw new Error(
      `the listing of ${tool.name} is made from its implementation: await prepareToolListing first`,
    );
  }
  return implementation;
}

/**
 * The annotations as listed, without what says nothing: the title is listed once, at the top level;
 * a read-only tool states only that, since the spec gives destructiveHint and idempotentHint a
 * meaning only when readOnlyHint is false; openWorldHint is left out when true, its default (every
 * tool here reaches Contabo).
 */
export function listedAnnotations({ annotations }: ToolDefinition): Tool["annotations"] {
  const { title: _, openWorldHint, ...hints } = annotations;
  const open = openWorldHint ? {} : { openWorldHint };
  if (hints.readOnlyHint) return { readOnlyHint: true, ...open };
  return { ...hints, ...open };
}

const listings = new WeakMap<readonly ToolDefinition[], Tool[]>();
const tokenListings = new WeakMap<readonly ToolDefinition[], Tool[]>();

/**
 * The shipped bundle carries the listing made at build time (scripts/bundle.mjs defines
 * __TOOL_LISTING_JSON__), so that a cold start does not generate a JSON Schema per input and output. It is used only
 * for exactly the tools it was made from, without tokens; a test compares it with the listing made at run time.
 */
declare const __TOOL_LISTING_JSON__: string | undefined;

function precomputedFor(tools: readonly ToolDefinition[]): Tool[] | undefined {
  if (typeof __TOOL_LISTING_JSON__ !== "string") return undefined;
  const listing = JSON.parse(__TOOL_LISTING_JSON__) as Tool[];
  const same =
    listing.length === tools.length && listing.every((tool, index) => tool.name === tools[index]?.name);
  if (!same) return undefined;
  listings.set(tools, listing);
  return listing;
}
