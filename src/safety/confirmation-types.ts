import type { ActionKind } from "./approval-policy.js";

/** What a confirmation shows the human: the effect, on live data, and a fingerprint of that data. */
export interface Preview {
  /** One sentence: what the call will do to which target. Values from the API in it are quoted (untrusted-text.ts). */
  action: string;
  /** Live details of the target as a human reads them; secrets only masked. Values are API data. */
  target: Record<string, string | number | boolean | string[]>;
  /** Fingerprint of the target's current state: a confirmation is valid only while it is unchanged. */
  fingerprint: string;
  /** For the form: a value the human must type to proceed (delete_user: the user's e-mail). */
  typeToConfirm?: { label: string; value: string };
}

/**
 * How a tool says that some of its calls need a human's yes. The context is the tool's own (its API
 * client and signal): the safety layer only passes it through.
 */
export interface Confirmation<A, C> {
  /** Whether this call needs confirmation (update_user: only when it disables the user or changes roles). */
  when(args: A): boolean;
  /** What kinds of action this call is (approval-policy.ts): they decide whether four eyes are needed. */
  kinds(args: A): readonly ActionKind[];
  /** Loads the target's live state and describes the effect. */
  preview(args: A, context: C): Promise<Preview>;
}

/** The e-mails a call may make Contabo send, which are rate-limited before it runs. */
export interface Mailing {
  /** Whom: a userId, or the address of a user to be created. */
  to: string;
  /** An invitation to a new user: also counted against the invitation limit. */
  invitation?: boolean;
}
