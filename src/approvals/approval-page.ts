import { type Approval, WITHDRAWN } from "../safety/approvals.js";
import { quoteUntrusted } from "../shared/untrusted-text.js";

/**
 * The approval pages' HTML: no script at all, one stylesheet from this server, and every value from
 * the API or the request HTML-escaped after being quoted onto one line (untrusted-text.ts), each in
 * its own table cell, so that a name with line breaks or right-to-left marks cannot fake a line.
 */

export const APPROVAL_STYLESHEET = `
body { font: 16px/1.5 system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; }
h1 { font-size: 1.4rem; }
.action { font-size: 1.1rem; padding: .8rem 1rem; border-left: 4px solid #b3261e; background: #fdf3f2; unicode-bidi: isolate; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid #ddd; }
td { font-family: ui-monospace, monospace; word-break: break-all; unicode-bidi: isolate; }
.note { color: #555; font-size: .9rem; }
.notice { padding: .6rem 1rem; background: #fff6d6; border: 1px solid #e5c100; }
.decided { padding: .8rem 1rem; background: #eef5ee; border: 1px solid #6a6; }
form { display: flex; gap: 1rem; flex-wrap: wrap; align-items: end; margin-top: 1rem; }
label { display: block; width: 100%; }
input[type=text] { font: inherit; padding: .4rem; width: 100%; box-sizing: border-box; }
button { font: inherit; padding: .5rem 1.4rem; border-radius: 4px; border: 1px solid #444; cursor: pointer; }
button.approve { background: #b3261e; color: #fff; border-color: #b3261e; }
button.decline { background: #fff; }
ul.approvals li { margin: .5rem 0; }
`;

/** Text for HTML: element content and double-quoted attribute values alike. */
export function html(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function shown(value: Approval["target"][string]): string {
  if (Array.isArray(value))
    return value.length === 0 ? "none" : value.map((item) => quoteUntrusted(item)).join(", ");
  return typeof value === "string" ? quoteUntrusted(value) : String(value);
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${html(title)}</title>
<link rel="stylesheet" href="/approvals/style.css">
</head>
<body>
${body}
</body>
</html>
`;
}

export interface PageViewer {
  /** Who is looking: the signed-in subject, or undefined for a one-time link. */
  subject?: string;
  /** Why this viewer may not decide (four eyes), if so. */
  cannotDecide?: string;
}

/** One approval: what will happen, the live details, and Approve / Decline (while pending). */
export function approvalPage(approval: Approval, viewer: PageViewer, now: number, notice?: string): string {
  const rows = Object.entries(approval.target)
    .map(([key, value]) => `<tr><th scope="row">${html(key)}</th><td>${html(shown(value))}</td></tr>`)
    .join("\n");
  const decided =
    approval.status === "pending"
      ? now >= approval.expiresAt
        ? `<p class="decided">This approval expired at ${html(new Date(approval.expiresAt).toISOString())}: nothing will be done.</p>`
        : undefined
      : approval.decision === undefined
        ? `<p class="decided">${html(WITHDRAWN)}</p>`
        : `<p class="decided">This approval was ${html(approval.decision)}${approval.decidedBy ? ` by ${html(quoteUntrusted(approval.decidedBy))}` : ""}${approval.decidedAt ? ` at ${html(new Date(approval.decidedAt).toISOString())}` : ""}. ${approval.decision === "approved" ? "The agent's call may now go ahead, once, if the target has not changed meanwhile." : "Nothing will be done."}</p>`;
  const typed = approval.typeToConfirm;
  const form =
    (decided ?? viewer.cannotDecide)
      ? (decided ?? `<p class="notice">${html(viewer.cannotDecide ?? "")}</p>`)
      : `<form method="post" action="/approvals/${html(approval.id)}">
<input type="hidden" name="csrf" value="${html(approval.csrf)}">
${typed ? `<label>${html(typed.label)}: type ${html(quoteUntrusted(typed.value))} without the quotes<input type="text" name="typed" autocomplete="off" spellcheck="false"></label>` : ""}
<button class="approve" type="submit" name="decision" value="approve">Approve</button>
<button class="decline" type="submit" name="decision" value="decline">Decline</button>
</form>`;
  return layout(
    "Approve an action: contabo-users-mcp",
    `<h1>An agent asks to do this on your Contabo account</h1>
${notice ? `<p class="notice">${html(notice)}</p>` : ""}
<p class="action">${html(approval.action)}</p>
<p class="note">Quoted values come from the Contabo API or from the agent's request, not from this server.</p>
<table>
${rows}
<tr><th scope="row">requested by</th><td>${html(quoteUntrusted(approval.caller))}</td></tr>
<tr><th scope="row">tool</th><td>${html(approval.tool)}</td></tr>
<tr><th scope="row">valid until</th><td>${html(new Date(approval.expiresAt).toISOString())}</td></tr>
</table>
${approval.fourEyes ? `<p class="note">Four eyes: a person other than the one whose agent asked must approve.</p>` : ""}
${viewer.subject ? `<p class="note">Signed in as ${html(quoteUntrusted(viewer.subject))}.</p>` : ""}
${form}`,
  );
}

/** The pending approvals a signed-in approver may look at. */
export function approvalListPage(approvals: readonly Approval[], subject: string): string {
  const items = approvals
    .map(
      (approval) =>
        `<li><a href="/approvals/${html(approval.id)}">${html(approval.action)}</a> <span class="note">(${html(approval.tool)}, until ${html(new Date(approval.expiresAt).toISOString())})</span></li>`,
    )
    .join("\n");
  return layout(
    "Pending approvals: contabo-users-mcp",
    `<h1>Pending approvals</h1>
<p class="note">Signed in as ${html(quoteUntrusted(subject))}.</p>
${approvals.length === 0 ? "<p>Nothing waits for a decision.</p>" : `<ul class="approvals">\n${items}\n</ul>`}`,
  );
}

/** A page that says why nothing can be shown or done. */
export function messagePage(title: string, message: string): string {
  return layout(`${title}: contabo-users-mcp`, `<h1>${html(title)}</h1>\n<p>${html(message)}</p>`);
}
