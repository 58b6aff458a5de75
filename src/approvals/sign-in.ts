import * as oidc from "openid-client";
import { z } from "zod";
import { isLoopbackHost } from "../client/base-url.js";
import type { Approver } from "../safety/approvals.js";
import { SignInError } from "./sign-in-error.js";
import { type CookieSigner, cookiesOf, setCookie } from "./signed-cookie.js";

/** The scope an approver's sign-in must be granted, unless a group claim is configured instead. */
export const APPROVE_SCOPE = "contabo-users:approve";

export interface SignInSettings {
  /** --oauth-issuer: the same OpenID provider that issues the agents' access tokens. */
  issuer: string;
  /** --approval-client-id and CONTABO_MCP_APPROVAL_CLIENT_SECRET: this server's client at the provider. */
  clientId: string;
  clientSecret?: string;
  /** Where the provider sends the approver back: the public origin's /approvals/callback. */
  redirectUri: string;
  /** --approver-group: a value of the ID token's `groups` claim that makes an approver (else the scope). */
  approverGroup?: string;
  signer: CookieSigner;
}

const LOGIN_COOKIE = "contabo_mcp_login";
const SESSION_COOKIE = "contabo_mcp_approver";
const LOGIN_TTL_MS = 10 * 60_000;
const SESSION_TTL_MS = 60 * 60_000;

const loginSchema = z.object({
  verifier: z.string(),
  state: z.string(),
  nonce: z.string(),
  back: z.string(),
});
const sessionSchema = z.object({ sub: z.string(), approver: z.boolean() });

/** A signed-in person, as the session cookie says. */
export interface SignedIn {
  subject: string;
  /** Granted the approve scope (or in the approver group). */
  approver: boolean;
}

/**
 * Approvers sign in with the OpenID provider: authorization code with PKCE, state and nonce, by
 * openid-client. The login's checks ride in a short signed cookie, the result in a signed session
 * cookie (an hour): any replica with the confirmation key can complete a sign-in or read a session.
 */
export class SignIn {
  private configuration: Promise<oidc.Configuration> | undefined;
  private readonly secure: boolean;

  constructor(private readonly settings: SignInSettings) {
    this.secure = new URL(settings.redirectUri).protocol === "https:";
  }

  private config(): Promise<oidc.Configuration> {
    this.configuration ??= this.discover().catch((error: unknown) => {
      this.configuration = undefined;
      throw new SignInError(
        `the OpenID provider's metadata could not be read (${error instanceof Error ? error.message : String(error)})`,
      );
    });
    return this.configuration;
  }

  private async discover(): Promise<oidc.Configuration> {
    const issuer = new URL(this.settings.issuer);
    // Plain http only where readOAuthSettings allows it: a loopback issuer.
    const insecure = issuer.protocol === "http:" && isLoopbackHost(issuer.hostname);
    return oidc.discovery(
      issuer,
      this.settings.clientId,
      this.settings.clientSecret,
      this.settings.clientSecret === undefined ? oidc.None() : undefined,
      insecure ? { execute: [oidc.allowInsecureRequests] } : undefined,
    );
  }

  /** Sends the person to the provider; `back` is the path under /approvals to return to. */
  async begin(back: string): Promise<{ location: string; cookie: string }> {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(await this.config(), {
      redirect_uri: this.settings.redirectUri,
      scope: `openid ${APPROVE_SCOPE}`,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      state,
      nonce,
    });
    const login = this.settings.signer.sign(
      "login",
      { verifier, state, nonce, back: safeBack(back) },
      LOGIN_TTL_MS,
    );
    return {
      location: url.href,
      // Lax: the provider's redirect back is a top-level navigation from another site.
      cookie: setCookie(LOGIN_COOKIE, login, {
        path: "/approvals",
        maxAgeSeconds: LOGIN_TTL_MS / 1000,
        secure: this.secure,
        sameSite: "Lax",
      }),
    };
  }

  /** The provider sent the person back: checks everything, and opens a session. */
  async complete(
    callbackUrl: URL,
    cookieHeader: string | undefined,
  ): Promise<{ cookies: string[]; back: string; signedIn: SignedIn }> {
    const login = loginSchema.safeParse(
      this.settings.signer.open("login", cookiesOf(cookieHeader).get(LOGIN_COOKIE)),
    );
    if (!login.success) throw new SignInError("the sign-in expired or was started elsewhere; start again");
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      // The URL the provider redirected to, on the registered redirect URI (a proxy may rewrite the host).
      const current = new URL(this.settings.redirectUri);
      current.search = callbackUrl.search;
      tokens = await oidc.authorizationCodeGrant(await this.config(), current, {
        pkceCodeVerifier: login.data.verifier,
        expectedState: login.data.state,
        expectedNonce: login.data.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      if (error instanceof SignInError) throw error;
      throw new SignInError(`the sign-in failed (${error instanceof Error ? error.message : String(error)})`);
    }
    const claims = tokens.claims();
    if (!claims?.sub) throw new SignInError("the provider's answer named nobody");
    const signedIn: SignedIn = { subject: claims.sub, approver: this.isApprover(tokens.scope, claims) };
    const session = this.settings.signer.sign(
      "session",
      { sub: signedIn.subject, approver: signedIn.approver },
      SESSION_TTL_MS,
    );
    return {
      back: login.data.back,
      signedIn,
      cookies: [
        setCookie(SESSION_COOKIE, session, {
          path: "/approvals",
          maxAgeSeconds: SESSION_TTL_MS / 1000,
          secure: this.secure,
          sameSite: "Lax",
        }),
        setCookie(LOGIN_COOKIE, "", {
          path: "/approvals",
          maxAgeSeconds: 0,
          secure: this.secure,
          sameSite: "Lax",
        }),
      ],
    };
  }

  /** The person a request's session cookie names, if any. */
  signedIn(cookieHeader: string | undefined): SignedIn | undefined {
    const session = sessionSchema.safeParse(
      this.settings.signer.open("session", cookiesOf(cookieHeader).get(SESSION_COOKIE)),
    );
    return session.success ? { subject: session.data.sub, approver: session.data.approver } : undefined;
  }

  approverOf(signedIn: SignedIn): Approver {
    return { who: `oidc:${signedIn.subject}`, subject: signedIn.subject, via: "sign-in" };
  }

  /** What an approver needs, for the refusal page. */
  requirement(): string {
    return this.settings.approverGroup === undefined
      ? `the ${APPROVE_SCOPE} scope granted at sign-in`
      : `membership of the group ${JSON.stringify(this.settings.approverGroup)} (the groups claim)`;
  }

  private isApprover(scope: string | undefined, claims: oidc.IDToken): boolean {
    const group = this.settings.approverGroup;
    if (group !== undefined) {
      const groups = claims.groups;
      return Array.isArray(groups) && groups.includes(group);
    }
    return (scope ?? "").split(" ").includes(APPROVE_SCOPE);
  }
}

/** Only a path of our own approval pages: the return address can never lead elsewhere. */
function safeBack(back: string): string {
  return /^\/approvals(\/[A-Za-z0-9_-]{0,64})?$/.test(back) ? back : "/approvals";
}
