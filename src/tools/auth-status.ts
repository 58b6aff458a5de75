import { z } from "zod";
import { ContaboError } from "../client/errors.js";
import { defineTool } from "./define-tool.js";
import { fullName } from "./outputs.js";
import { liveUser } from "./previews.js";

export const authStatus = defineTool({
  name: "auth_status",
  input: z.strictObject({}),
  output: z.object({
    apiUrl: z.string(),
    sandbox: z.boolean(),
    authMode: z.string(),
    loggedIn: z.boolean(),
    problem: z.string().optional(),
    caller: z
      .object({ userId: z.string(), email: z.string(), name: z.string(), owner: z.boolean() })
      .optional(),
    confirmMode: z.string(),
    confirmChannels: z.record(z.string(), z.string()),
    enabledTools: z.array(z.string()),
    disabledTools: z.record(z.string(), z.string()),
    redirectHosts: z.array(z.string()),
  }),
  run: async (_args, { api, signal, settings, redactor, confirmChannels }) => {
    const base = {
      apiUrl: settings.apiUrl,
      sandbox: settings.sandbox,
      authMode: settings.authMode,
      confirmMode: settings.confirmMode,
      confirmChannels: confirmChannels(),
      enabledTools: settings.enabledTools,
      disabledTools: settings.disabledTools,
      redirectHosts: settings.redirectHosts,
    };
    try {
      const userId = await api.callerUserId({ signal });
      if (userId === undefined) return { ...base, loggedIn: true };
      const user = await liveUser(api, userId, signal);
      const name = fullName(user);
      return { ...base, loggedIn: true, caller: { userId, email: user.email, name, owner: user.owner } };
    } catch (error) {
      if (!(error instanceof ContaboError)) throw error;
      const problem = `${error.message} ${error.hint}`;
      return { ...base, loggedIn: false, problem: redactor.text(problem) };
    }
  },
});
