import type { Approval } from "../safety/approvals.js";
import type { ApprovalDesk } from "../safety/confirmation.js";
import type { Logger } from "../shared/log.js";
import type { SecretRedactor } from "../shared/secrets.js";
import type { BrowserOpener } from "./browser-opener.js";

/** Where the approval pages live, on the HTTP server or the loopback one. */
export const APPROVALS_PATH = "/approvals";

export interface ApprovalDeskOptions {
  /** Where the pages are: the loopback server's origin (stdio) or the public origin (HTTP). */
  origin: () => Promise<string>;
  /** Approvers sign in (team mode): links carry no secret. */
  team: boolean;
  /** stdio: how to open the person's browser. */
  opener?: BrowserOpener;
  /** --approval-webhook (team mode): told of each pending approval, as JSON without secrets. */
  webhook?: string;
  redactor: SecretRedactor;
  logger: Logger;
}

const WEBHOOK_TIMEOUT_MS = 5_000;

/** The desk the confirmation gate hands approvals to: links, the browser, the webhook. */
export function approvalDesk(options: ApprovalDeskOptions): ApprovalDesk {
  return {
    team: options.team,
    canOpenBrowser: options.opener !== undefined,
    async link(approval: Approval, linkSecret?: string): Promise<string> {
      // The secret opens the page: it is masked wherever it might be written.
      options.redactor.remember(linkSecret, true);
      const page = `${await options.origin()}${APPROVALS_PATH}/${approval.id}`;
      return linkSecret === undefined ? page : `${page}?key=${linkSecret}`;
    },
    async openInBrowser(url: string): Promise<boolean> {
      return options.opener ? options.opener(url) : false;
    },
    async announce(approval: Approval): Promise<void> {
      if (!options.webhook) return;
      const body = {
        event: "approval.pending",
        approval: {
          url: `${await options.origin()}${APPROVALS_PATH}/${approval.id}`,
          tool: approval.tool,
          action: approval.action,
          caller: approval.caller,
          fourEyes: approval.fourEyes,
          kinds: approval.kinds,
          expiresAt: new Date(approval.expiresAt).toISOString(),
        },
      };
      try {
        const response = await fetch(options.webhook, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
          redirect: "error",
        });
        await response.body?.cancel();
        if (!response.ok) options.logger.warn("approval webhook refused", { status: response.status });
      } catch (error) {
        options.logger.warn("approval webhook failed", {
          error: error instanceof Error ? error.name : String(error),
        });
      }
    },
  };
}
