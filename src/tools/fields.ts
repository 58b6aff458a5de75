import { z } from "zod";
import { createUserRequestSchema } from "../contabo-api-schemas/users.js";

/** Argument schemas shared by several tools, with the spec's constraints and descriptions for a model. */

/** Ids are UUIDs, lower-cased so that one id has one spelling (rate limits and tokens key on it). */
const uuid = (what: string) =>
  z.guid({ error: `${what} must be a UUID such as 6cdf5968-f9fe-4192-97c2-f349e813c5e8` }).toLowerCase();

/** A user's id; retrieve_user_list, whose description says "start here to find a userId", gives them. */
export const userId = uuid("userId");
/** An object storage's id as a filter of list_object_storage_credentials (which is where ids come from). */
export const objectStorageIdFilter = uuid("objectStorageId");
/** From list_object_storage_credentials, whose description says so. */
export const objectStorageId = objectStorageIdFilter;
export const credentialId = z
  .int({
    error: (issue) => (issue.code === "invalid_type" ? "credentialId must be a whole number" : undefined),
  })
  .min(1)
  .max(Number.MAX_SAFE_INTEGER);

/** The highest page number accepted: a guard against absurd input, not a limit of the API. */
export const MAX_PAGE = 1_000_000;
export const page = z.int().min(1).max(MAX_PAGE).optional();
/** The API's default page size is 10. */
export const size = z.int().min(1).max(100).optional();
const ORDER_BY_ENTRY = /^\w+:(asc|desc|ASC|DESC)$/;

/**
 * The spec's `orderBy`: entries `field:ASC|DESC` (its example is `name:asc`), with any field name:
 * which fields sort is the API's to say. Only a malformed entry is refused here. The form is
 * checked by a refinement, not a regex, so that the listing shows it by the description's example
 * only (a regex per list tool in tools/list would repeat what the example says).
 */
export const orderBy = (example: string) =>
  z
    .array(
      z.string().refine((entry) => ORDER_BY_ENTRY.test(entry), {
        error: "orderBy entries must look like field:asc or field:desc, e.g. name:asc",
      }),
    )
    .max(5)
    .optional()
    .describe(`e.g. ${example}`);

/**
 * The user fields of create_user and update_user: the spec's CreateUserRequest, with a real e-mail
 * address and roles given as strings (names or ids).
 */
export const userFields = z.strictObject({
  ...createUserRequestSchema.shape,
  email: z.email({ error: "email must be a valid e-mail address" }).max(255),
  // Strings only, names or ids alike: a union of primitive types converts to "any value" in some
  // agent frameworks (LangChain's adapter), so "7" stands for the role id 7.
  roles: z
    .array(z.string({ error: 'roles are strings: role names, or ids such as "7"' }).min(1).max(255))
    .max(100)
    .optional()
    .describe('Role names or ids, as strings ("Billing", "7").'),
});
export const redirectUrl = z
  .url({ protocol: /^https$/, error: "redirectUrl must be an https URL" })
  .max(2000)
  .optional()
  .describe("Where the link leads afterwards: https, on an allowed host (see auth_status).");

export const reveal = z.boolean().optional().describe("Unmask secrets (asks first).");
