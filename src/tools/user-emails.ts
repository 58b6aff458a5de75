import { z } from "zod";
import { ADDITIVE_WRITE, defineTool } from "./define-tool.js";
import { done, doneOutput, redirectUrl, userId } from "./fields.js";

export const resetPassword = defineTool({
  name: "reset_password",
  description: "E-mail a user a link to set a new password (rate-limited per user).",
  input: z.strictObject({ userId, redirectUrl }),
  output: doneOutput,
  annotations: { title: "Send password reset e-mail", ...ADDITIVE_WRITE },
  emailRecipient: (args) => args.userId,
  run: async ({ userId, redirectUrl }, { api, signal }) => {
    const result = await api.resetPassword(userId, { redirectUrl }, { signal });
    return done(userId, "A password reset e-mail was sent.", result.requestId);
  },
});

export const resendEmailVerification = defineTool({
  name: "resend_email_verification",
  description: "E-mail an unverified user the verification link again (rate-limited per user).",
  input: z.strictObject({ userId, redirectUrl }),
  output: doneOutput,
  annotations: { title: "Resend verification e-mail", ...ADDITIVE_WRITE },
  emailRecipient: (args) => args.userId,
  run: async ({ userId, redirectUrl }, { api, signal }) => {
    const result = await api.resendEmailVerification(userId, { redirectUrl }, { signal });
    return done(userId, "A verification e-mail was sent.", result.requestId);
  },
});
