/**
 * Secrets that change under every encoding (a space, `/`, `+`, `&`, `=`, `%`, `!`, brackets, quotes, a
 * backslash, non-ASCII), and every form in which an upstream could echo them. Computed here, not
 * with the redactor's own encodedForms, so that the tests check it against the encoders themselves.
 */
export const AWKWARD_CLIENT_SECRET = 'Cl!ent Secret/"q"+é&=\\9';
export const AWKWARD_PASSWORD = 'p@ss (wörd)/+"x"&=%\\1';

export function everyForm(secret: string): string[] {
  const uriComponent = encodeURIComponent(secret);
  return [
    secret,
    uriComponent,
    uriComponent.replaceAll("%20", "+"),
    new URLSearchParams({ s: secret }).toString().slice("s=".length),
    JSON.stringify(secret).slice(1, -1),
  ];
}

/** The forms of `secrets` found in `text`, as "form (of …last 4)": empty when none leaked. */
export function leakedForms(text: string, secrets: readonly string[]): string[] {
  return secrets.flatMap((secret) =>
    everyForm(secret)
      .filter((form) => text.includes(form))
      .map((form) => `${form} (of …${secret.slice(-4)})`),
  );
}
