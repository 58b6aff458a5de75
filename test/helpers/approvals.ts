import { onTestFinished } from "vitest";
import { approvalPages } from "../../src/approvals/index.js";
import type { ContaboClient } from "../../src/client/index.js";
import { DEFAULT_FOUR_EYES } from "../../src/safety/approval-policy.js";
import { createSafety, type Safety } from "../../src/safety/index.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { TOOLS } from "../../src/tools/registry.js";
import { recordServerOutput, testLogger } from "./logs.js";
import { clientFor, useSandbox } from "./sandbox.js";

export interface ApprovalSetup {
  sandbox: Sandbox;
  contabo: ContaboClient;
  safety: Safety;
  /** The next page the server "opened in the person's browser" (stdio's channel), as a signal. */
  nextOpened(): Promise<string>;
}

/**
 * A sandbox and a safety layer with approval pages on a real loopback server, as on stdio; the
 * browser opener hands each URL to the test instead of a browser.
 */
export async function approvalSetup(
  options: { waitMs?: number; ttlMs?: number /** false: no browser can be started. */; opens?: boolean } = {},
): Promise<ApprovalSetup> {
  const sandbox = await useSandbox();
  const contabo = clientFor(sandbox);
  const opened: string[] = [];
  const waiting: Array<(url: string) => void> = [];
  const pages = approvalPages({
    flags: {
      ttlMs: options.ttlMs ?? 600_000,
      waitMs: options.waitMs ?? 30_000,
      fourEyes: DEFAULT_FOUR_EYES,
      browser: true,
    },
    redactor: contabo.redactor,
    logger: testLogger(contabo.redactor),
    opener: async (url) => {
      if (options.opens === false) return false;
      const next = waiting.shift();
      if (next) next(url);
      else opened.push(url);
      return true;
    },
  });
  const safety = createSafety(
    { auditSink: recordServerOutput, redactor: contabo.redactor, approvals: pages.config },
    TOOLS,
  );
  await pages.connect(safety);
  onTestFinished(() => pages.close());
  return {
    sandbox,
    contabo,
    safety,
    nextOpened: () => {
      const known = opened.shift();
      return known !== undefined ? Promise.resolve(known) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}

/**
 * A person's visit to an approval page over plain HTTP: opening the link (which moves its secret
 * into a cookie), reading the page and its form token, and posting a decision.
 */
export class PageVisit {
  private constructor(
    readonly page: string,
    readonly cookie: string,
  ) {}

  static async open(link: string): Promise<PageVisit> {
    const first = await fetch(link, { redirect: "manual" });
    await first.body?.cancel();
    if (first.status !== 303) throw new Error(`opening the link answered ${first.status}`);
    const cookie = (first.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const page = new URL(first.headers.get("location") ?? "", link).href;
    return new PageVisit(page, cookie);
  }

  async html(): Promise<string> {
    const response = await fetch(this.page, { headers: { cookie: this.cookie } });
    return response.text();
  }

  async csrf(): Promise<string> {
    return /name="csrf" value="([^"]+)"/.exec(await this.html())?.[1] ?? "";
  }

  /** POSTs the form as a same-origin browser would, unless `headers` say otherwise. */
  async post(fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(this.page, {
      method: "POST",
      redirect: "manual",
      headers: {
        cookie: this.cookie,
        "content-type": "application/x-www-form-urlencoded",
        origin: new URL(this.page).origin,
        "sec-fetch-site": "same-origin",
        ...headers,
      },
      body: new URLSearchParams(fields).toString(),
    });
  }

  async approve(typed?: string): Promise<Response> {
    return this.post({ csrf: await this.csrf(), decision: "approve", ...(typed ? { typed } : {}) });
  }
}
