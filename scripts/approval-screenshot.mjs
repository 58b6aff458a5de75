#!/usr/bin/env node
import { mkdtempSync, writeFileSync } from "node:fs";
// Regenerates docs/approval-page.png: the built server on stdio (sandbox), a client without
// elicitation asks to delete a user, the page the server "opens" is captured in Debian's chromium.
// Run after `npm run build`: node scripts/approval-screenshot.mjs
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { chromium } from "playwright-core";

const cli = fileURLToPath(new URL("../dist/package/cli.js", import.meta.url));
const output = fileURLToPath(new URL("../docs/approval-page.png", import.meta.url));

const opened = new Promise((resolve) => {
  const hook = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      res.end();
      hook.close();
      resolve(body);
    });
  });
  hook.listen(0, "127.0.0.1", () => {
    process.env.TEST_BROWSER_HOOK = `http://127.0.0.1:${hook.address().port}/`;
  });
});
await new Promise((resolve) => setTimeout(resolve, 50));
const dir = mkdtempSync(join(tmpdir(), "approval-screenshot-"));
const script = join(dir, "hook.mjs");
writeFileSync(
  script,
  "await fetch(process.env.TEST_BROWSER_HOOK, { method: 'POST', body: process.argv[2] });\n",
);

const client = new Client({ name: "screenshot", version: "1.0.0" });
await client.connect(
  new StdioClientTransport({
    command: process.execPath,
    args: [cli, "--sandbox", "--approval-wait", "30"],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: dir,
      BROWSER: `${process.execPath} ${script}`,
      TEST_BROWSER_HOOK: process.env.TEST_BROWSER_HOOK ?? "",
    },
    stderr: "ignore",
  }),
);
const listed = await client.callTool({ name: "retrieve_user_list", arguments: { size: 5 } });
const user = listed.structuredContent.users.find((candidate) => !candidate.owner);
const pending = client
  .callTool({ name: "delete_user", arguments: { userId: user.userId } }, { timeout: 60_000 })
  .catch(() => {});
const url = await opened;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
const page = await browser.newPage({ viewport: { width: 900, height: 820 } });
await page.goto(url);
await page.screenshot({ path: output, fullPage: true });
await page.click('button[value="decline"]');
await browser.close();
await pending;
await client.close();
console.log(`wrote ${output}`);
