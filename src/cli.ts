#!/usr/bin/env node
// The command's entry: decides whether stacks are mapped to the sources before any other module
// loads (Node maps only the modules it loads after source maps are turned on), then runs main.ts.
// Source maps cost start-up time, so they are on only when a stack can be printed: --log-level debug.
import { fileURLToPath } from "node:url";
import { debugRequested } from "./shared/log.js";

if (debugRequested(process.argv.slice(2), process.env)) process.setSourceMapsEnabled(true);
const { main } = await import("./main.js");
await main(fileURLToPath(import.meta.url));
