import type { Mailing } from "./confirmation-types.js";
import type { SafetyStore } from "./safety-store.js";

const MINUTE_MS = 60_000;

export interface CallLimitSettings {
  /** E-mails to one recipient per minute; 0 turns the limit off. */
  emailsPerRecipientPerMinute: number;
  /** Invitations (new users) per minute, all recipients together; 0 turns the limit off. */
  invitationsPerMinute: number;
}

export type Admitted = { ok: true; release(): Promise<void> } | { ok: false; reason: string };

/**
 * Limits on what a looping agent could otherwise send without end: e-mails to one person
 * (password resets, verifications, invitations) and invitations overall.
 */
export class CallLimits {
  constructor(
    private readonly store: SafetyStore,
    readonly settings: CallLimitSettings,
  ) {}

  /** Takes the slots a call's e-mail needs; release them when the e-mail was not sent after all. */
  async admit(mailing: Mailing): Promise<Admitted> {
    const { emailsPerRecipientPerMinute: perRecipient, invitationsPerMinute: invitations } = this.settings;
    const taken: Array<() => Promise<void>> = [];
    const release = async () => {
      await Promise.all(taken.map((undo) => undo()));
    };
    if (perRecipient > 0) {
      const slot = await this.store.takeSlot(`email:${mailing.to.toLowerCase()}`, perRecipient, MINUTE_MS);
      if (!slot.ok) {
        return {
          ok: false,
          reason: `this recipient was e-mailed too recently (at most ${perRecipient} e-mail(s) per recipient per minute). Nothing was sent; try again in ${slot.retryInSeconds} s.`,
        };
      }
      taken.push(slot.release);
    }
    if (mailing.invitation && invitations > 0) {
      const slot = await this.store.takeSlot("invitations", invitations, MINUTE_MS);
      if (!slot.ok) {
        await release();
        return {
          ok: false,
          reason: `too many users were invited recently (at most ${invitations} invitation(s) per minute; --invite-limit). Nothing was sent; try again in ${slot.retryInSeconds} s.`,
        };
      }
      taken.push(slot.release);
    }
    return { ok: true, release };
  }
}
