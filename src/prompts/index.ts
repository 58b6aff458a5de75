import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { LOCALES } from "../contabo-api-schemas/common.js";
import { SecretRedactor } from "../shared/secrets.js";

/**
 * Prompts for the admin tasks people ask for most: each is the plan an agent should follow, in
 * terms of this server's tools, with every destructive step under the confirmation policy.
 */
interface PromptDefinition<A extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  args: A;
  // Method syntax on purpose: prompts with different arguments fit in one list.
  text(args: z.output<z.ZodObject<A>>): string;
}

/** Identity helper: types `text`'s arguments from the prompt's argument schema. */
function definePrompt<A extends z.ZodRawShape>(prompt: PromptDefinition<A>): PromptDefinition<A> {
  return prompt;
}

export const PROMPTS: readonly PromptDefinition[] = [
  definePrompt({
    name: "offboard_user",
    title: "Offboard a user",
    description:
      "Disable a user, rotate their object-storage credentials, then delete them, each step confirmed.",
    args: { user: z.string().describe("The user's e-mail or userId.") },
    text: ({ user }) =>
      [
        `Offboard the Contabo user ${user}.`,
        `1. Find them: retrieve_user_list with email=${JSON.stringify(user)} (or retrieve_user if that is a userId). Stop and ask if no user, or more than one, matches, or if it is the account owner.`,
        "2. Disable them at once: update_user with enabled=false.",
        "3. list_object_storage_credentials for them, then regenerate_object_storage_credentials for each credential, so that keys they may have copied stop working.",
        "4. delete_user.",
        "Steps 2 to 4 each ask for confirmation: show the user every preview and continue only with their agreement. Report what was done, with the request ids.",
      ].join("\n"),
  }),
  definePrompt({
    name: "access_review",
    title: "Access review",
    description:
      "Review who can do what: owners and admins, users without 2FA, unverified e-mails, disabled accounts, users without roles.",
    args: { focus: z.string().optional().describe('Optional: narrow the review, e.g. "2FA" or "admins".') },
    text: ({ focus }) =>
      [
        "Review the access of this Contabo account.",
        "1. retrieve_role_list to know which roles are admin or access all resources.",
        '2. One retrieve_user_list call per question, filtered and with fields ["email"] (or ["email","roles"]), rather than reading every user: owner=true; role=<each admin role>; totp=false; emailVerified=false; enabled=false; and, for users with no roles, fields ["email","roles"] over all=true.',
        "3. Report, each as a short list of e-mails: the owner and users with an admin role; users without 2FA; users whose e-mail is not verified; disabled users; users with no roles.",
        "4. Point out what deserves action (for example an admin without 2FA), without changing anything.",
        ...(focus ? [`Focus on: ${focus}.`] : []),
      ].join("\n"),
  }),
  definePrompt({
    name: "onboard_user",
    title: "Onboard a user",
    description: "Create a user with a locale and roles given by name, then send the verification e-mail.",
    args: {
      email: z.string().describe("The new user's e-mail."),
      firstName: z.string().optional(),
      lastName: z.string().optional(),
      locale: z
        .string()
        .optional()
        .describe(`One of ${LOCALES.join(", ")}; default en.`),
      roles: z.string().optional().describe('Role names, comma-separated, e.g. "Read only, Billing".'),
    },
    text: (args) =>
      [
        `Onboard ${args.email} as a new Contabo user.`,
        `1. retrieve_role_list to check that the roles exist: ${args.roles ?? "ask which roles they need"}. Ask before going on if a name is unknown.`,
        `2. create_user with email=${args.email}${args.firstName ? `, firstName=${args.firstName}` : ""}${args.lastName ? `, lastName=${args.lastName}` : ""}, locale=${args.locale ?? "en"}, enabled=true, totp=true, and the roles by name.`,
        "3. resend_email_verification for the new userId, so that they can set their password.",
        "Report the new userId and the request ids.",
      ].join("\n"),
  }),
];

/** Each prompt's argument schema, made once per process (a server is made per HTTP request). */
const ARGUMENT_SCHEMAS = new Map(PROMPTS.map((prompt) => [prompt.name, z.object(prompt.args)]));

/**
 * Registers the prompts. Each plan passes `redactor` on its way out (a secret pasted into an
 * argument is not echoed back); without one, only Bearer and Basic credentials are removed.
 */
export function registerPrompts(server: McpServer, redactor: SecretRedactor = new SecretRedactor()): void {
  for (const prompt of PROMPTS) {
    server.registerPrompt(
      prompt.name,
      { title: prompt.title, description: prompt.description, argsSchema: ARGUMENT_SCHEMAS.get(prompt.name) },
      (args) => ({
        messages: [{ role: "user", content: { type: "text", text: redactor.text(prompt.text(args)) } }],
      }),
    );
  }
}
