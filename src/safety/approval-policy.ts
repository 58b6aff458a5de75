/**
 * The approval policy in one place: what kinds of action need a person's yes, which of them need a
 * second person in team mode (--four-eyes), and which channel may carry the question in each
 * confirmation mode. docs/safety.md shows this table; `auth_status` reports it for the client at hand.
 */

/** The kinds of gated action. A call may be several (update_user: disable and change e-mail). */
export const ACTION_KINDS = [
  "delete-user",
  "grant-roles",
  "remove-roles",
  "re-enable",
  "disable",
  "change-email",
  "turn-off-2fa",
  "rotate-client-secret",
  "rotate-s3-key",
  "reveal-secret",
] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

/** What each kind means, for docs/safety.md and auth_status. */
export const ACTION_MEANING: Record<ActionKind, string> = {
  "delete-user": "delete_user",
  "grant-roles": "create_user or update_user giving any role (Administrator included)",
  "remove-roles": "update_user with roles=[]",
  "re-enable": "update_user enabled=true",
  disable: "update_user enabled=false",
  "change-email": "update_user email",
  "turn-off-2fa": "update_user totp=false",
  "rotate-client-secret": "generate_client_secret",
  "rotate-s3-key": "regenerate_object_storage_credentials",
  "reveal-secret": "reveal=true on retrieve_user_client or the object-storage credential reads",
};

/** --four-eyes by default: what grants power, restores access, cannot be undone, or shows a secret. */
export const DEFAULT_FOUR_EYES: readonly ActionKind[] = [
  "grant-roles",
  "re-enable",
  "delete-user",
  "rotate-client-secret",
  "reveal-secret",
];

/** How a person can be asked. */
export type Channel =
  /** URL-mode elicitation: the client shows our approval page's link to the person, not to the model. */
  | "url-elicitation"
  /** Form-mode elicitation: the client shows our form to whoever sits at it. */
  | "form-elicitation"
  /** stdio: this server opens its loopback approval page in the person's browser. */
  | "browser"
  /** Team mode: a pending approval at /approvals, for a signed-in approver (and the webhook). */
  | "approval-page"
  /** --confirm token: the model sends back a token (it can do that itself). */
  | "token"
  /** --confirm off. */
  | "none";

/** What the client and the server can do for this call, as far as asking a person goes. */
export interface ChannelFacts {
  /** The client declared form elicitation. */
  form: boolean;
  /** The client declared URL elicitation. */
  url: boolean;
  /** This server has approval pages (a loopback page on stdio, /approvals over HTTP). */
  pages: boolean;
  /** stdio: this server can open a browser on the person's machine. */
  browser: boolean;
  /** Team mode: approvers sign in with the OpenID provider; four eyes can be enforced. */
  team: boolean;
}

export type ConfirmModeName = "auto" | "elicit" | "token" | "off";

/**
 * The channel for a call, in order of preference: URL elicitation (the page, reached from the
 * client), the form (not when a second person must approve), the browser on stdio, the team's
 * approval page. `elicit` mode allows elicitation only. Undefined: no channel, the call is refused.
 */
export function channelFor(
  mode: ConfirmModeName,
  facts: ChannelFacts,
  fourEyes: boolean,
): Channel | undefined {
  if (mode === "off") return "none";
  if (mode === "token") return "token";
  if (facts.url && facts.pages) return "url-elicitation";
  if (facts.form && !fourEyes) return "form-elicitation";
  if (mode === "elicit") return undefined;
  if (facts.team) return "approval-page";
  if (facts.browser && !fourEyes) return "browser";
  return undefined;
}

/** What would have worked, for a refusal. */
export function channelsThatWouldWork(mode: ConfirmModeName, facts: ChannelFacts, fourEyes: boolean): string {
  const ways = [
    facts.pages ? "an MCP client that declares URL elicitation" : undefined,
    fourEyes ? undefined : "an MCP client that declares form elicitation",
    mode === "auto" && !facts.team && !fourEyes
      ? "the server on stdio on a machine where it can open a browser (open, xdg-open or BROWSER)"
      : undefined,
    mode === "auto" && !facts.team
      ? "team mode (--http with --oauth-issuer), with approval pages"
      : undefined,
    mode === "elicit" ? "--confirm auto, which also allows approval pages" : undefined,
  ].filter((way): way is string => way !== undefined);
  return `what would work: ${ways.join("; ")}; or the operator's --confirm token, knowing that the model itself can then complete these confirmations`;
}

/** Parses --four-eyes: a comma-separated list of kinds, "default", or "none". */
export function parseFourEyes(value: string | undefined): readonly ActionKind[] {
  if (value === undefined || value.trim() === "default") return DEFAULT_FOUR_EYES;
  if (value.trim() === "none") return [];
  const kinds = value
    .split(",")
    .map((kind) => kind.trim())
    .filter((kind) => kind.length > 0);
  for (const kind of kinds) {
    if (!(ACTION_KINDS as readonly string[]).includes(kind)) {
      throw new Error(
        `--four-eyes takes a comma-separated list of ${ACTION_KINDS.join(", ")} (or default, or none), not ${JSON.stringify(kind)}`,
      );
    }
  }
  return kinds as ActionKind[];
}
