import { describe, expect, it } from "vitest";
import { callToolError, connectToSandbox, PROTOCOL_ERAS } from "../helpers/mcp.js";
import { apiRequests } from "../helpers/sandbox.js";

const USER = "6cdf5968-f9fe-4192-97c2-f349e813c5e8";
const STORAGE = "9a4c7e20-c326-4a8c-900c-687ad83ba170";
const CREATE = { email: "x@example.com", enabled: true, totp: false, locale: "en" };

/** [tool, arguments, text the error must contain (the field or the rule)] */
const INVALID: Array<[string, Record<string, unknown>, string]> = [
  ["retrieve_user_list", { page: 0 }, "page: Too small: expected number to be >=1"],
  ["retrieve_user_list", { size: 101 }, "size: Too big: expected number to be <=100"],
  ["retrieve_user_list", { size: 2.5 }, "size: Invalid input: expected int, received number"],
  ["retrieve_user_list", { orderBy: ["email"] }, "orderBy entries must look like field:asc or field:desc"],
  ["retrieve_user_list", { enabled: "true" }, "enabled: Invalid input: expected boolean, received string"],
  ["retrieve_user_list", { email: "" }, "email: Too small: expected string to have >=1 characters"],
  ["retrieve_user_list", { max: 5 }, 'Unrecognized key: "max"'],
  ["retrieve_user", {}, "userId: userId must be a UUID such as 6cdf5968-f9fe-4192-97c2-f349e813c5e8"],
  ["retrieve_user", { userId: "../client/secret" }, "userId must be a UUID"],
  ["retrieve_user", { userId: "%2e%2e%2fclient" }, "userId must be a UUID"],
  ["retrieve_user", { userId: `${USER}/../../client` }, "userId must be a UUID"],
  ["retrieve_user", { userId: "x".repeat(10_000) }, "userId must be a UUID"],
  ["retrieve_user", { userId: "" }, "userId must be a UUID"],
  ["retrieve_user", { userId: USER, extra: 1 }, 'Unrecognized key: "extra"'],
  ["create_user", { ...CREATE, email: "not-an-email" }, "email must be a valid e-mail address"],
  ["create_user", { ...CREATE, email: `${"a".repeat(250)}@example.com` }, "email: "],
  [
    "create_user",
    { ...CREATE, locale: "fr" },
    'locale: Invalid option: expected one of "de-DE"|"de"|"en-US"|"en"|"es"|"es-ES"|"pt-BR"|"pt"',
  ],
  [
    "create_user",
    { ...CREATE, totp: undefined },
    "totp: Invalid input: expected boolean, received undefined",
  ],
  [
    "create_user",
    { ...CREATE, firstName: "" },
    "firstName: Too small: expected string to have >=1 characters",
  ],
  ["create_user", { ...CREATE, roles: [true] }, "roles.0: "],
  ["create_user", { ...CREATE, admin: true }, 'Unrecognized key: "admin"'],
  ["create_user", { ...CREATE, password: "secret" }, 'Unrecognized key: "password"'],
  [
    "update_user",
    { userId: USER, lastName: "y".repeat(256) },
    "lastName: Too big: expected string to have <=255 characters",
  ],
  ["update_user", { userId: USER, roles: [7] }, 'roles.0: roles are strings: role names, or ids such as "7"'],
  ["delete_user", { userId: "1 OR 1=1" }, "userId must be a UUID"],
  [
    "reset_password",
    { userId: USER, redirectUrl: "javascript:alert(1)" },
    "redirectUrl must be an https URL",
  ],
  ["resend_email_verification", { userId: "abc" }, "userId must be a UUID"],
  ["retrieve_user_client", { anything: true }, 'Unrecognized key: "anything"'],
  ["generate_client_secret", { confirm: true }, 'Unrecognized key: "confirm"'],
  [
    "list_object_storage_credentials",
    { userId: USER, objectStorageId: "../x" },
    "objectStorageId must be a UUID",
  ],
  [
    "list_object_storage_credentials",
    { userId: USER, regionName: "" },
    "regionName: Too small: expected string to have >=1 characters",
  ],
  [
    "get_object_storage_credentials",
    { userId: USER, objectStorageId: STORAGE, credentialId: "12" },
    "credentialId: credentialId must be a whole number",
  ],
  [
    "get_object_storage_credentials",
    { userId: USER, objectStorageId: STORAGE, credentialId: 1.5 },
    "credentialId: credentialId must be a whole number",
  ],
  [
    "get_object_storage_credentials",
    { userId: USER, objectStorageId: STORAGE, credentialId: -1 },
    "credentialId: Too small: expected number to be >=1",
  ],
  [
    "regenerate_object_storage_credentials",
    { userId: USER, objectStorageId: "..", credentialId: 1 },
    "objectStorageId must be a UUID",
  ],
  [
    "regenerate_object_storage_credentials",
    { userId: USER, objectStorageId: STORAGE },
    "credentialId: credentialId must be a whole number",
  ],
];

describe.each(PROTOCOL_ERAS)("input validation (%s era)", (era) => {
  it.each(INVALID)(
    "%s refuses %j, naming the problem, without calling the API",
    async (tool, args, expected) => {
      const { client, sandbox } = await connectToSandbox({ era });
      const text = await callToolError(client, tool, args);
      expect(text).toContain("Input validation error");
      expect(text).toContain(expected);
      expect(apiRequests(sandbox)).toHaveLength(0);
    },
  );
});
