import { z } from "zod";

/** At most this many warnings in one result; the rest are counted. */
const MAX_WARNINGS = 20;

/** What a read result says about records it could not read as the spec describes them. */
export const warningsOutput = z.array(z.string()).optional();

/** `{warnings}` when there are any (each once, at most MAX_WARNINGS and a count), else nothing. */
export function withWarnings(warnings: readonly string[]): { warnings?: string[] } {
  const unique = [...new Set(warnings)];
  if (unique.length === 0) return {};
  if (unique.length <= MAX_WARNINGS) return { warnings: unique };
  return {
    warnings: [...unique.slice(0, MAX_WARNINGS), `and ${unique.length - MAX_WARNINGS} more warnings`],
  };
}
