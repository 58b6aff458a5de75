import type { IncomingMessage, ServerResponse } from "node:http";
import type { Approval, ApprovalBook, Approver } from "../safety/approvals.js";
import type { AuditLog } from "../safety/audit.js";
import { sameSecret } from "../shared/fingerprint.js";
import type { Logger } from "../shared/log.js";
import { APPROVALS_PATH } from "./approval-desk.js";
import { APPROVAL_STYLESHEET, approvalListPage, approvalPage, messagePage } from "./approval-page.js";
import type { SignIn } from "./sign-in.js";
import { SignInError } from "./sign-in-error.js";
import { cookiesOf, setCookie } from "./signed-cookie.js";

/** Every page: no script, no framing, no referrer, never cached. */
const PAGE_HEADERS = {
  "content-security-policy":
    "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
} as const;

const MAX_FORM_BYTES = 4_096;

export interface ApprovalRoutesOptions {
  book: ApprovalBook;
  audit: AuditLog;
  logger: Logger;
  /** Team mode: approvers sign in. Without it, a page opens only with its one-time link. */
  signIn?: SignIn;
  /** The origin browsers reach these pages at (a POST from another origin changes nothing). */
  origin: () => string;
  confirmMode: string;
  now?: () => number;
}

/** The cookie that holds a page's link secret once the link was opened (so the URL loses it). */
const linkCookie = (id: string) => `contabo_mcp_link_${id}`;

/**
 * The approval pages under /approvals: GET shows (and never changes anything), POST decides, with
 * the page's CSRF token, from this origin only. A page is reached with its one-time link (stdio,
 * URL elicitation) or, in team mode, by a signed-in approver; four eyes are checked on decision.
 */
export class ApprovalRoutes {
  private readonly now: () => number;

  constructor(private readonly options: ApprovalRoutesOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Whether the path is ours. */
  owns(path: string): boolean {
    return path === APPROVALS_PATH || path.startsWith(`${APPROVALS_PATH}/`);
  }

  /** Serves one request; a failure answers a plain 500 page with the same headers, and is logged. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.route(req, res);
    } catch (error) {
      this.options.logger.error("approval page failed", {
        error: error instanceof Error ? error.message : String(error),
      });
      if (!res.headersSent)
        page(res, 500, messagePage("Something went wrong", "Nothing was decided. Try again."));
      else res.end();
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://approvals");
    const path = url.pathname;
    if (path === `${APPROVALS_PATH}/style.css` && req.method === "GET") {
      res
        .writeHead(200, { ...PAGE_HEADERS, "content-type": "text/css; charset=utf-8" })
        .end(APPROVAL_STYLESHEET);
      return;
    }
    const { signIn } = this.options;
    if (path === `${APPROVALS_PATH}/callback` && req.method === "GET" && signIn) {
      return this.callback(req, res, url, signIn);
    }
    if (path === APPROVALS_PATH && req.method === "GET") return this.list(req, res);
    const id = /^\/approvals\/([A-Za-z0-9_-]{22})$/.exec(path)?.[1];
    if (id === undefined) return page(res, 404, messagePage("Not found", "There is no such approval page."));
    if (req.method === "GET") return this.show(req, res, url, id);
    if (req.method === "POST") return this.decide(req, res, id);
    res.setHeader("allow", "GET, POST");
    return page(
      res,
      405,
      messagePage("Not allowed", "Approval pages are read with GET and decided with POST."),
    );
  }

  private async list(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { signIn, book } = this.options;
    if (!signIn) {
      return page(
        res,
        404,
        messagePage("Not found", "Approvals here are opened with the link given for each one."),
      );
    }
    const signedIn = signIn.signedIn(req.headers.cookie);
    if (!signedIn) return this.toSignIn(res, signIn, APPROVALS_PATH);
    if (!signedIn.approver) return notAnApprover(res, signIn);
    const visible = (await book.pending()).filter(
      (approval) => book.mayDecide(approval, signIn.approverOf(signedIn)).ok,
    );
    return page(res, 200, approvalListPage(visible, signedIn.subject));
  }

  private async show(req: IncomingMessage, res: ServerResponse, url: URL, id: string): Promise<void> {
    const { book, signIn } = this.options;
    const approval = await book.get(id);
    if (!approval) return noSuchApproval(res);
    if (signIn) {
      const signedIn = signIn.signedIn(req.headers.cookie);
      if (!signedIn) return this.toSignIn(res, signIn, `${APPROVALS_PATH}/${id}`);
      if (!signedIn.approver) return notAnApprover(res, signIn);
      const allowed = book.mayDecide(approval, signIn.approverOf(signedIn));
      return page(
        res,
        200,
        approvalPage(
          approval,
          { subject: signedIn.subject, cannotDecide: allowed.ok ? undefined : allowed.reason },
          this.now(),
        ),
      );
    }
    const given = url.searchParams.get("key") ?? undefined;
    if (given !== undefined) {
      // The secret is good once: the first browser to bring it gets a token of its own, in a cookie
      // for this page only, and the address loses the secret.
      const browser = await book.openLink(approval, given);
      if (!browser) {
        const why = book.linkOpens(approval, given)
          ? "This link was opened already, in another browser or tab: decide there. A link opens its page once."
          : "This link does not open this approval.";
        return page(res, 403, messagePage("Link not valid", why));
      }
      res.writeHead(303, {
        ...PAGE_HEADERS,
        location: `${APPROVALS_PATH}/${id}`,
        "set-cookie": setCookie(linkCookie(id), browser, {
          path: `${APPROVALS_PATH}/${id}`,
          maxAgeSeconds: Math.ceil((approval.expiresAt - this.now()) / 1000),
          secure: this.options.origin().startsWith("https:"),
          // Lax: the link may be followed from another site (a web client); a POST still needs the
          // page's token and its own origin.
          sameSite: "Lax",
        }),
      });
      res.end();
      return;
    }
    if (!book.browserOpens(approval, cookiesOf(req.headers.cookie).get(linkCookie(id)))) {
      return page(res, 403, messagePage("Link needed", "Open this approval with the link you were given."));
    }
    return page(res, 200, approvalPage(approval, {}, this.now()));
  }

  private async decide(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const { book, signIn } = this.options;
    if (!this.sameOrigin(req))
      return page(res, 403, messagePage("Refused", "Approvals are decided from their own page only."));
    const form = await readForm(req);
    if (!form) return page(res, 400, messagePage("Refused", "The form could not be read."));
    const approval = await book.get(id);
    if (!approval) return noSuchApproval(res);
    if (!sameSecret(form.get("csrf") ?? undefined, approval.csrf))
      return page(
        res,
        403,
        messagePage("Refused", "The form's token is missing or wrong: nothing was done."),
      );
    let approver: Approver;
    if (signIn) {
      const signedIn = signIn.signedIn(req.headers.cookie);
      if (!signedIn) return page(res, 401, messagePage("Sign in first", "Sign in again, then decide."));
      if (!signedIn.approver) return notAnApprover(res, signIn);
      approver = signIn.approverOf(signedIn);
    } else {
      if (!book.browserOpens(approval, cookiesOf(req.headers.cookie).get(linkCookie(id)))) {
        return page(res, 403, messagePage("Link needed", "Open this approval with the link you were given."));
      }
      approver = { who: "the holder of the approval link", via: "link" };
    }
    const choice = form.get("decision");
    if (choice !== "approve" && choice !== "decline")
      return page(res, 400, messagePage("Refused", "Choose Approve or Decline."));
    const decision = choice === "approve" ? "approved" : "declined";
    const result = await book.decide(id, decision, approver, form.get("typed") ?? undefined);
    if (!result.ok) {
      const current = (await book.get(id)) ?? approval;
      const allowed = book.mayDecide(current, approver);
      const viewer = { subject: approver.subject, cannotDecide: allowed.ok ? undefined : allowed.reason };
      return page(
        res,
        result.forbidden ? 403 : 409,
        approvalPage(current, viewer, this.now(), result.reason),
      );
    }
    this.audited(result.approval, approver);
    res.writeHead(303, { ...PAGE_HEADERS, location: `${APPROVALS_PATH}/${id}` }).end();
  }

  private async callback(req: IncomingMessage, res: ServerResponse, url: URL, signIn: SignIn): Promise<void> {
    try {
      const { cookies, back } = await signIn.complete(url, req.headers.cookie);
      res.writeHead(303, { ...PAGE_HEADERS, location: back, "set-cookie": cookies }).end();
    } catch (error) {
      if (!(error instanceof SignInError)) throw error;
      this.options.logger.info("approver sign-in failed", { reason: error.message });
      page(res, 401, messagePage("Sign-in failed", `Sign-in failed: ${error.message}.`));
    }
  }

  private async toSignIn(res: ServerResponse, signIn: SignIn, back: string): Promise<void> {
    try {
      const { location, cookie } = await signIn.begin(back);
      res.writeHead(303, { ...PAGE_HEADERS, location, "set-cookie": cookie }).end();
    } catch (error) {
      if (!(error instanceof SignInError)) throw error;
      page(res, 503, messagePage("Sign-in unavailable", `Sign-in is not available now: ${error.message}.`));
    }
  }

  /**
   * A POST from a browser names where it comes from: Sec-Fetch-Site (every current browser) and
   * Origin, which is "null" under our no-referrer policy. Another site, by either, is refused; a
   * client sending neither is no browser, and still needs the page's token and cookie.
   */
  private sameOrigin(req: IncomingMessage): boolean {
    const site = req.headers["sec-fetch-site"];
    if (site !== undefined && site !== "same-origin") return false;
    const origin = req.headers.origin;
    if (origin === "null") return site === "same-origin";
    return origin === undefined || origin === this.options.origin();
  }

  private audited(approval: Approval, approver: Approver): void {
    this.options.audit.record({
      tool: approval.tool,
      target: approval.target,
      arguments: {},
      caller: approval.caller,
      confirmMode: this.options.confirmMode,
      decision: approval.decision === "approved" ? "confirmed" : "declined",
      outcome: "not-run",
      approval: { id: approval.id, decidedBy: approver.who, via: approver.via },
    });
  }
}

function notAnApprover(res: ServerResponse, signIn: SignIn): void {
  page(res, 403, messagePage("Not an approver", `Deciding approvals needs ${signIn.requirement()}.`));
}

function noSuchApproval(res: ServerResponse): void {
  page(
    res,
    404,
    messagePage("No such approval", "This approval does not exist or has expired: nothing will be done."),
  );
}

function page(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { ...PAGE_HEADERS, "content-type": "text/html; charset=utf-8" }).end(body);
}

/** An application/x-www-form-urlencoded body of at most 4 KB; undefined when it is anything else. */
async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const piece = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += piece.length;
    if (size > MAX_FORM_BYTES) return undefined;
    chunks.push(piece);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}
