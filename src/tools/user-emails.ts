import { z } from "zod";
import { checkRedirectUrl } from "../safety/redirect-url.js";
import { defineTool, type ServerSettings } from "./define-tool.js";
import { redirectUrl, userId } from "./fields.js";
import { done, doneOutput } from "./outputs.js";
import { ToolArgumentError } from "./tool-argument-error.js";

/** The redirectUrl as sent: only to the allowed hosts (--redirect-hosts), never anywhere a model was told. */
function allowedRedirect(raw: string | undefined, settings: ServerSettings): string | undefined {
  if (raw === undefined) return undefined;
  const checked = checkRedirectUrl(raw, settings.redirectHosts);
  if (!checked.ok) throw new ToolArgumentError(checked.message);
  return checked.url;
}

export const resetPassword = defineTool({
  name: "reset_password",
  input: z.strictObject({ userId, redirectUrl }),
  output: doneOutput,
  mails: (args) => ({ to: args.userId }),
  run: async ({ userId, redirectUrl }, { api, signal, settings }) => {
    const result = await api.resetPassword(
      userId,
      { redirectUrl: allowedRedirect(redirectUrl, settings) },
      { signal },
    );
    return done(userId, "A password reset e-mail was sent.", result.requestId);
  },
});

export const resendEmailVerification = defineTool({
  name: "resend_email_verification",
  input: z.strictObject({ userId, redirectUrl }),
  output: doneOutput,
  mails: (args) => ({ to: args.userId }),
  run: async ({ userId, redirectUrl }, { api, signal, settings }) => {
    const result = await api.resendEmailVerification(
      userId,
      { redirectUrl: allowedRedirect(redirectUrl, settings) },
      { signal },
    );
    return done(userId, "A verification e-mail was sent.", result.requestId);
  },
});
