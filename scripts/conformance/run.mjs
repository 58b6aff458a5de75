// Runs the official MCP conformance suite twice against `contabo-users-mcp --http --sandbox` on
// loopback: 0.1.16 with the 2025-era scenarios this server can honestly pass, then 0.2.0-alpha.12
// with every scenario the 2026-07-28 revision requires, judged against expected-failures-2026-07-28.yaml
// (only checks that drive the suite's own test_* fixtures are excused there). The suites' output
// goes to conformance.log; this prints one line per scenario and exits 1 if anything failed.
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";

// tools-call-error is not run: it calls the suite's fixture tool test_error_handling. It passed with
// SDK v1 only because v1 answered an unknown tool with an isError result; v2 answers -32602, as the
// protocol prescribes.
const SCENARIOS = [
  "server-initialize",
  "ping",
  "tools-list",
  "resources-list",
  "prompts-list",
  "logging-set-level",
  "dns-rebinding-protection",
];
const root = fileURLToPath(new URL("../../", import.meta.url));
const suite = fileURLToPath(
  new URL("../../node_modules/@modelcontextprotocol/conformance/dist/index.js", import.meta.url),
);
const nextSuite = fileURLToPath(
  new URL("../../node_modules/@modelcontextprotocol/conformance-next/dist/index.js", import.meta.url),
);
const expectedFailures = fileURLToPath(new URL("./expected-failures-2026-07-28.yaml", import.meta.url));
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

/** Runs one suite process; resolves with its exit code and its output (also copied to the log). */
function runSuite(script, args, timeoutMs) {
  return new Promise((resolve) => {
    const run = spawn(process.execPath, ["--import", register, script, "server", "--url", url, ...args], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const collect = (chunk) => {
      output += chunk;
      log.write(chunk);
    };
    run.stdout.on("data", collect);
    run.stderr.on("data", collect);
    const timer = setTimeout(() => run.kill("SIGKILL"), timeoutMs);
    run.once("exit", (exitCode) => {
      clearTimeout(timer);
      resolve({ code: exitCode ?? "timeout", output });
    });
  });
}

let failed = 0;
for (const scenario of SCENARIOS) {
  const { code } = await runSuite(suite, ["--scenario", scenario], 60_000);
  if (code !== 0) failed++;
  console.log(
    `conformance 0.1.16 ${scenario}: ${code === 0 ? "passed" : `FAILED (exit ${code}, see conformance.log)`}`,
  );
}
console.log(
  `conformance 0.1.16: ${SCENARIOS.length - failed} of ${SCENARIOS.length} server scenarios passed`,
);

const modern = await runSuite(
  nextSuite,
  [
    "--requirements",
    "2026-07-28",
    "--expected-failures",
    expectedFailures,
    "--output-dir",
    "conformance-results",
  ],
  600_000,
);
// The suite's summary: one "✓ name: N passed, M failed" line per scenario (colours stripped).
const plain = stripVTControlCharacters(modern.output);
const summary = plain.slice(plain.indexOf("=== SUMMARY ==="));
for (const line of summary.split("\n")) {
  const match = /^([✓✗]) ([\w-]+): (\d+) passed, (\d+) failed/.exec(line);
  if (match)
    console.log(
      `conformance 2026-07-28 ${match[2]}: ${match[1] === "✓" ? "passed" : "failed"} (${match[3]} checks passed, ${match[4]} failed)`,
    );
}
const verdict = /Baseline check passed[^\n]*|Unexpected failures[^\n]*|Baseline is stale[^\n]*/.exec(
  plain,
)?.[0];
console.log(`conformance 2026-07-28: exit ${modern.code}${verdict ? `, ${verdict}` : ""}`);
if (modern.code !== 0) failed++;

server.kill("SIGTERM");
log.end();
process.exit(failed === 0 ? 0 : 1);
