import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { onTestFinished } from "vitest";
import { postReceiver } from "./post-receiver.js";

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
  const receiver = await postReceiver();
  const dir = mkdtempSync(join(tmpdir(), "browser-hook-"));
  const script = join(dir, "hook.mjs");
  writeFileSync(
    script,
    `await fetch(process.env.TEST_BROWSER_HOOK, { method: "POST", body: process.argv[2] });\n`,
  );
  return {
    env: {
      BROWSER: `${process.execPath} ${script}`,
      TEST_BROWSER_HOOK: receiver.url,
    },
    urls: receiver.bodies,
    nextUrl: receiver.next,
  };
}
