import { sep } from "node:path";

/**
 * How Claude Desktop should start this server: the same installation that runs `init` now, unless
 * it is a registry install (under a node_modules folder: `npx`, `npm i -g`), which `npx -y` finds
 * again by name. A clone is never published under that name, so `npx` would not find it.
 */
export function launchFor(
  cliPath: string,
  node: string,
  { forceLocal = false }: { forceLocal?: boolean } = {},
): { node: string; cli: string } | undefined {
  const fromRegistry = cliPath.split(sep).includes("node_modules");
  return forceLocal || !fromRegistry ? { node, cli: cliPath } : undefined;
}
