// Runs the official MCP conformance suite's server scenarios that this server can honestly pass,
// against `contabo-users-mcp --http --sandbox` on loopback. The suite's own output goes to
// conformance.log; this prints one line per scenario and exits 1 if any failed.
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { fileURLToPath } from "node:url";

const SCENARIOS = [
  "server-initialize",
  "ping",
  "tools-list",
  "tools-call-error",
  "resources-list",
  "prompts-list",
  "logging-set-level",
  "dns-rebinding-protection",
];
const root = fileURLToPath(new URL("../../", import.meta.url));
const suite = fileURLToPath(
  new URL("../../node_modules/@modelcontextprotocol/conformance/dist/index.js", import.meta.url),
);
const register = fileURLToPath(new URL("./register.mjs", import.meta.url));
const log = createWriteStream(new URL("../../conformance.log", import.meta.url));

const server = spawn(process.execPath, ["dist/package/cli.js", "--http", "--sandbox", "--port", "0"], {
  cwd: root,
  stdio: ["ignore", "ignore", "pipe"],
});
const url = await new Promise((resolve, reject) => {
  let stderr = "";
  server.stderr.on("data", (chunk) => {
    stderr += chunk;
    log.write(chunk);
    const match = /"url":"(http:\/\/[^"]+)"/.exec(stderr);
    if (match) resolve(match[1].replace("127.0.0.1", "localhost"));
  });
  server.once("exit", (code) => reject(new Error(`server exited (${code}) before listening:\n${stderr}`)));
});

let failed = 0;
for (const scenario of SCENARIOS) {
  const code = await new Promise((resolve) => {
    const run = spawn(
      process.execPath,
      ["--import", register, suite, "server", "--url", url, "--scenario", scenario],
      {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    run.stdout.pipe(log, { end: false });
    run.stderr.pipe(log, { end: false });
    const timer = setTimeout(() => run.kill("SIGKILL"), 60_000);
    run.once("exit", (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode ?? "timeout");
    });
  });
  if (code !== 0) failed++;
  console.log(
    `conformance ${scenario}: ${code === 0 ? "passed" : `FAILED (exit ${code}, see conformance.log)`}`,
  );
}
server.kill("SIGTERM");
log.end();
console.log(`conformance: ${SCENARIOS.length - failed} of ${SCENARIOS.length} server scenarios passed`);
process.exit(failed === 0 ? 0 : 1);
