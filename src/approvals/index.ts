import type { ActionKind } from "../safety/approval-policy.js";
import type { ApprovalBook } from "../safety/approvals.js";
import type { ApprovalConfig, Safety } from "../safety/index.js";
import type { Logger } from "../shared/log.js";
import type { SecretRedactor } from "../shared/secrets.js";
import { approvalDesk } from "./approval-desk.js";
import type { ApprovalRoutes } from "./approval-routes.js";
import { type BrowserOpener, systemBrowserOpener } from "./browser-opener.js";
import { LoopbackApprovalServer } from "./loopback-approval-server.js";
import { CookieSigner } from "./signed-cookie.js";

/** How approval pages are offered (the --approval-* flags, read by config.ts). */
export interface ApprovalFlags {
  ttlMs: number;
  waitMs: number;
  fourEyes: readonly ActionKind[];
  /** --no-browser: stdio never opens a browser. */
  browser: boolean;
  /** Team mode: the OpenID client approvers sign in with. */
  signIn?: { clientId: string; clientSecret?: string; approverGroup?: string };
  webhook?: string;
}

export interface ApprovalPagesInput {
  flags: ApprovalFlags;
  /**
   * --http: the pages are served by the HTTP server at this origin (--public-url's, or the
   * listening address); team mode with the issuer. Without it (stdio): on a loopback port.
   */
  http?: { origin: () => string; issuer?: string };
  redactor: SecretRedactor;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  /** How to open the person's browser on stdio; the system's (systemBrowserOpener) by default. */
  opener?: BrowserOpener;
}

export interface ApprovalPages {
  /** For createSafety. */
  config: ApprovalConfig;
  /**
   * Once the safety layer exists. Over HTTP: the routes, for the HTTP server to mount. On stdio,
   * none: the loopback server makes them when the first approval starts it, so a stdio start
   * loads none of the pages.
   */
  connect(safety: Safety): Promise<ApprovalRoutes | undefined>;
  close(): Promise<void>;
}

/** The approval pages of this process, wired: desk (links, browser, webhook), routes, sign-in. */
export function approvalPages({
  flags,
  http,
  redactor,
  logger,
  env,
  opener,
}: ApprovalPagesInput): ApprovalPages {
  let connected: { safety: Safety; book: ApprovalBook } | undefined;
  let routes: Promise<ApprovalRoutes> | undefined;
  const connectedRoutes = () => {
    if (!connected) throw new Error("approval pages are not connected yet");
    routes ??= routesFor(connected);
    return routes;
  };
  const loopback = http ? undefined : new LoopbackApprovalServer(connectedRoutes, logger);
  const origin = http ? async () => http.origin() : () => (loopback as LoopbackApprovalServer).origin();
  const desk = approvalDesk({
    origin,
    team: flags.signIn !== undefined,
    opener: !http && flags.browser ? (opener ?? systemBrowserOpener(env)) : undefined,
    webhook: flags.webhook,
    redactor,
    logger,
  });
  return {
    config: { desk, fourEyes: flags.fourEyes, ttlMs: flags.ttlMs, waitMs: flags.waitMs },
    async connect(safety) {
      if (!safety.approvals) throw new Error("the safety layer was made without approvals");
      connected = { safety, book: safety.approvals };
      return http ? connectedRoutes() : undefined;
    },
    close: async () => loopback?.close(),
  };

  async function routesFor({
    safety,
    book,
  }: {
    safety: Safety;
    book: ApprovalBook;
  }): Promise<ApprovalRoutes> {
    const { ApprovalRoutes } = await import("./approval-routes.js");
    const syncOrigin = http ? http.origin : () => (loopback as LoopbackApprovalServer).knownOrigin();
    // openid-client is loaded only in team mode: a stdio start does not pay for it.
    const signIn =
      flags.signIn && http?.issuer
        ? new (await import("./sign-in.js")).SignIn({
            issuer: http.issuer,
            clientId: flags.signIn.clientId,
            clientSecret: flags.signIn.clientSecret,
            approverGroup: flags.signIn.approverGroup,
            redirectUri: `${http.origin()}/approvals/callback`,
            signer: new CookieSigner(safety.digest),
          })
        : undefined;
    redactor.remember(flags.signIn?.clientSecret, true);
    return new ApprovalRoutes({
      book,
      audit: safety.audit,
      logger,
      signIn,
      origin: syncOrigin,
      confirmMode: safety.gate.mode,
    });
  }
}
