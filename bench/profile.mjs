// node bench/profile.mjs [http|stdio] [seconds]: runs the server (the tsc output, dist/cli.js, so
// that every function keeps its file) under --cpu-prof with the throughput load (16 concurrent
// 2026-07-28 retrieve_user_list calls over Streamable HTTP) or the per-call load (sequential
// retrieve_user calls over stdio) against an in-process sandbox, then prints the top self-time
// functions and the self time by package. Needs `npm run build` first. See BENCHMARKS.md.
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { request } from "undici";
import { startSandbox } from "../dist/sandbox/index.js";
import { ENVELOPE, LISTENING, sandboxEnv, startProcess } from "./processes.mjs";

const mode = process.argv[2] ?? "http";
const seconds = Number(process.argv[3] ?? 8);
const ROOT = fileURLToPath(new URL("../", import.meta.url));
const CLI = join(ROOT, "dist/cli.js");
const profileDir = mkdtempSync(join(tmpdir(), "cpu-prof-"));
const sandbox = await startSandbox({ userCount: 200 });
const env = sandboxEnv(sandbox);
const nodeArgs = ["--cpu-prof", "--cpu-prof-dir", profileDir, CLI];

if (mode === "http") {
  const { child: server, match } = await startProcess(
    process.execPath,
    [...nodeArgs, "--http", "--port", "0"],
    env,
    LISTENING,
  );
  const url = match[1];
  const body = JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: {
      name: "retrieve_user_list",
      arguments: { size: 10 },
      _meta: ENVELOPE,
    },
  });
  const headers = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "mcp-protocol-version": "2026-07-28",
    "mcp-method": "tools/call",
    "mcp-name": "retrieve_user_list",
  };
  const deadline = performance.now() + seconds * 1000;
  let calls = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (performance.now() < deadline) {
        const response = await request(url, { method: "POST", headers, body });
        const text = await response.body.text();
        if (!text.includes('"structuredContent"')) throw new Error(`call failed: ${text.slice(0, 200)}`);
        calls++;
      }
    }),
  );
  console.log(`${Math.round(calls / seconds)} calls/s`);
  const exited = new Promise((resolve) => server.once("exit", resolve));
  server.kill("SIGINT");
  await exited;
} else {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: nodeArgs,
    env,
    stderr: "ignore",
  });
  const client = new Client(
    { name: "profile", version: "1.0.0" },
    { versionNegotiation: { mode: { pin: "2026-07-28" } } },
  );
  await client.connect(transport);
  const userId = [...sandbox.state.users.values()][5].userId;
  const deadline = performance.now() + seconds * 1000;
  let calls = 0;
  while (performance.now() < deadline) {
    await client.callTool({ name: "retrieve_user", arguments: { userId } });
    calls++;
  }
  console.log(`${(seconds * 1000) / calls} ms per call`);
  await client.close();
}
await sandbox.close();

// A pinned stdio client probes a short-lived sibling process first: the profile is the largest.
const profiles = readdirSync(profileDir)
  .filter((name) => name.endsWith(".cpuprofile"))
  .map((name) => JSON.parse(readFileSync(join(profileDir, name), "utf8")));
const profile = profiles.sort((a, b) => b.samples.length - a.samples.length)[0];
if (!profile) throw new Error(`no profile in ${profileDir}`);
const selfMicros = new Map();
const dt = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  dt.set(profile.samples[i], (dt.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const total = [...dt.values()].reduce((sum, value) => sum + value, 0);
const where = (url) => {
  if (!url) return "(node)";
  const path = url.startsWith("file://") ? fileURLToPath(url) : url;
  if (path.startsWith("node:")) return path;
  const local = relative(ROOT, path);
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(local);
  return match ? match[1] : local;
};
const byPackage = new Map();
for (const node of profile.nodes) {
  const time = dt.get(node.id) ?? 0;
  if (time === 0) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const place = where(url);
  const key = `${functionName || "(anonymous)"} ${place}${url ? `:${lineNumber + 1}` : ""}`;
  selfMicros.set(key, (selfMicros.get(key) ?? 0) + time);
  const pkg = place.startsWith("dist/") ? "ours (dist/)" : place.startsWith("node:") ? "node:*" : place;
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + time);
}
const percent = (micros) => `${((100 * micros) / total).toFixed(1)} %`;
console.log(`\nTop self time (${mode}, ${(total / 1e6).toFixed(1)} s sampled):`);
for (const [key, micros] of [...selfMicros].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
  console.log(`  ${percent(micros).padStart(7)}  ${key}`);
}
console.log("\nSelf time by package:");
for (const [pkg, micros] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
  console.log(`  ${percent(micros).padStart(7)}  ${pkg}`);
}
