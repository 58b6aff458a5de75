import { z } from "zod";

/** The 8 locales of the spec's `locale` enum (UserResponse, CreateUserRequest, UpdateUserRequest). */
export const LOCALES = ["de-DE", "de", "en-US", "en", "es", "es-ES", "pt-BR", "pt"] as const;
export const localeSchema = z.enum(LOCALES);
export type Locale = z.infer<typeof localeSchema>;

/** The spec's pattern for the required `x-request-id` header (version nibble 0-5, variant 0/8/9/a/b). */
export const REQUEST_ID_PATTERN =
  /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-5][0-9A-Fa-f]{3}-[089abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;

/**
 * A whole number in a response (int64 ids). Checked by a refinement rather than z.int(), whose
 * safe-integer bounds would add noise to every tool's published output schema.
 */
export const wholeNumber = z.number().refine(Number.isInteger, { error: "expected a whole number" });

/** The error body Contabo's own clients decode: `{statusCode, message}`. */
export const apiErrorBodySchema = z.object({
  statusCode: z.number().int(),
  message: z.union([z.string(), z.array(z.string())]),
});

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
