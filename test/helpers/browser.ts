import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { onTestFinished } from "vitest";

/** Debian's chromium (apt-get install chromium); CHROMIUM_PATH overrides. No browser is downloaded. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

let shared: Promise<Browser> | undefined;

/** One headless chromium for the test file, closed when the process ends; a fresh context per test. */
export async function browserPage(): Promise<Page> {
  shared ??= chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
  });
  const browser = await shared;
  const context = await browser.newContext();
  onTestFinished(() => context.close());
  return context.newPage();
}

export async function closeBrowser(): Promise<void> {
  const browser = await shared;
  shared = undefined;
  await browser?.close();
}

/**
 * A BROWSER command for the server under test: a script that posts the URL it is given to this
 * test's loopback listener, so the test awaits the URL as a signal (and the model never sees it).
 */
export async function browserHook(): Promise<{
  env: Record<string, string>;
  nextUrl(): Promise<string>;
  urls: string[];
}> {
  const urls: string[] = [];
  const waiting: Array<(url: string) => void> = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on("end", () => {
      res.end("ok");
      urls.push(body);
      const next = waiting.shift();
      if (next) next(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const dir = mkdtempSync(join(tmpdir(), "browser-hook-"));
  const script = join(dir, "hook.mjs");
  writeFileSync(
    script,
    `await fetch(process.env.TEST_BROWSER_HOOK, { method: "POST", body: process.argv[2] });\n`,
  );
  let seen = 0;
  return {
    env: {
      BROWSER: `${process.execPath} ${script}`,
      TEST_BROWSER_HOOK: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    },
    urls,
    nextUrl: () => {
      const index = seen++;
      const known = urls[index];
      if (known !== undefined) return Promise.resolve(known);
      return new Promise((resolve) => waiting.push(resolve));
    },
  };
}
