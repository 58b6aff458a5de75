import { ContaboAuthError } from "./errors.js";

export interface LoginBackoffPolicy {
  /** The wait after the first refusal; each further refusal in a row doubles it. */
  firstDelayMs: number;
  /** The longest wait, however many refusals in a row. */
  maxDelayMs: number;
}

export const DEFAULT_LOGIN_BACKOFF: LoginBackoffPolicy = { firstDelayMs: 5_000, maxDelayMs: 300_000 };

interface Refusal {
  error: ContaboAuthError;
  at: number;
  retryAt: number;
}

/**
 * Remembers the token endpoint's last refusal of the credentials and answers logins from it for a
 * while (5 s, doubling per refusal in a row, at most 5 min), so that a caller in a loop cannot lock
 * the Contabo account with failed logins.
 */
export class LoginBackoff {
  private refusalsInARow = 0;
  private last: Refusal | undefined;

  constructor(private readonly policy: LoginBackoffPolicy = DEFAULT_LOGIN_BACKOFF) {}

  /** The error to answer instead of logging in, or undefined when a login may be tried now. */
  refusalInForce(now: number): ContaboAuthError | undefined {
    const last = this.last;
    if (last === undefined || now >= last.retryAt) return undefined;
    return rememberedRefusal(last, now);
  }

  /** Records a refusal and returns when the next login may be tried. */
  refused(error: ContaboAuthError, now: number): number {
    this.refusalsInARow++;
    const { firstDelayMs, maxDelayMs } = this.policy;
    const delay = Math.min(maxDelayMs, firstDelayMs * 2 ** (this.refusalsInARow - 1));
    this.last = { error, at: now, retryAt: now + delay };
    return this.last.retryAt;
  }

  /** A login succeeded, or the credentials changed: the next login goes ahead at once. */
  reset(): void {
    this.refusalsInARow = 0;
    this.last = undefined;
  }
}

function rememberedRefusal(refusal: Refusal, now: number): ContaboAuthError {
  const refusedAt = new Date(refusal.at).toISOString();
  const retryAt = new Date(refusal.retryAt).toISOString();
  const seconds = Math.ceil((refusal.retryAt - now) / 1000);
  return new ContaboAuthError(
    `${refusal.error.message} The login was refused at ${refusedAt} and will be retried after ${retryAt} (in ${seconds} s), not before: repeated failed logins can lock the Contabo account.`,
    `${refusal.error.hint} Then restart this server, which logs in at once, or call again after ${retryAt}.`,
    refusal.error.oauthError,
    { cause: refusal.error },
  );
}
