/** Parses JSON text, or answers undefined for empty or malformed text (callers say what they expected). */
export function parseJsonOrUndefined(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
