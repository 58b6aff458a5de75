import type { Dispatcher } from "undici";

/**
 * undici is loaded on the first request, not at start-up: it is the largest part of the bundle,
 * and a desktop client starts this server again and again just to list its tools.
 */
let loaded: Promise<typeof import("undici")> | undefined;

export function undici(): Promise<typeof import("undici")> {
  // Bundled into its own chunk, undici (CommonJS) can arrive as the namespace's default export.
  loaded ??= import("undici").then(
    (module) => (module.Agent ? module : (module as { default?: typeof import("undici") }).default) ?? module,
  );
  return loaded;
}

/** A dispatcher, or how to make one on first use. */
export type DispatcherSource = Dispatcher | (() => Promise<Dispatcher>);

export async function resolveDispatcher(source: DispatcherSource): Promise<Dispatcher> {
  return typeof source === "function" ? source() : source;
}
