import { describe, expect, it } from "vitest";
import { TOOLS } from "../../src/tools/registry.js";
import { callToolError, connectClient } from "../helpers/mcp.js";
import { apiRequests, clientFor, tokenRequests, useSandbox } from "../helpers/sandbox.js";

const USER = "6cdf5968-f9fe-4192-97c2-f349e813c5e8";
const STORAGE = "9a4c7e20-c326-4a8c-900c-687ad83ba170";

/** Valid arguments for every tool, aimed at ids the sandbox does not have. */
const VALID_ARGS: Record<string, Record<string, unknown>> = {
  retrieve_user_list: {},
  retrieve_user: { userId: USER },
  retrieve_user_is_password_set: { userId: USER },
  create_user: { email: "someone@example.com", enabled: true, totp: false, locale: "en" },
  update_user: { userId: USER, locale: "de" },
  delete_user: { userId: USER },
  reset_password: { userId: USER },
  resend_email_verification: { userId: USER },
  retrieve_user_client: {},
  generate_client_secret: {},
  list_object_storage_credentials: { userId: USER },
  get_object_storage_credentials: { userId: USER, objectStorageId: STORAGE, credentialId: 1 },
  regenerate_object_storage_credentials: { userId: USER, objectStorageId: STORAGE, credentialId: 1 },
  retrieve_role_list: {},
  retrieve_role: { roleId: 999 },
  retrieve_user_audits: { changedBy: USER },
};

/** auth_status reports a failed login as its result instead of failing: see its own tests. */
const REPORTS_INSTEAD_OF_FAILING = ["auth_status"];

/** A client a human could be asked through; nobody is, since the preview's read fails first. */
const NEVER_ASKED = () => expect.fail("nobody should be asked to confirm a call whose target cannot be read");

describe("upstream failures, for every tool", () => {
  it("has valid arguments listed for every registered tool", () => {
    expect([...Object.keys(VALID_ARGS), ...REPORTS_INSTEAD_OF_FAILING].sort()).toEqual(
      TOOLS.map((t) => t.name).sort(),
    );
  });

  it.each(Object.entries(VALID_ARGS))(
    "%s explains refused credentials and sends no API request",
    async (tool, args) => {
      const sandbox = await useSandbox();
      const contabo = clientFor(sandbox, { credentials: { ...sandbox.login(), password: "wrong" } });
      const client = await connectClient(contabo.api, { elicit: NEVER_ASKED });
      const text = await callToolError(client, tool, args);
      expect(text).toContain(`${tool} failed. Contabo refused the API user or password: invalid_grant`);
      expect(text).toContain("What to do: Check CONTABO_API_USER");
      expect(text).not.toContain("wrong");
      expect(tokenRequests(sandbox)).toHaveLength(1);
      expect(apiRequests(sandbox)).toHaveLength(0);
    },
  );

  const userScoped = Object.entries(VALID_ARGS).filter(([, args]) => "userId" in args);
  it.each(userScoped)(
    "%s reports an unknown user as the API's 404 with its request id",
    async (tool, args) => {
      const sandbox = await useSandbox();
      const client = await connectClient(clientFor(sandbox).api, { elicit: NEVER_ASKED });
      const text = await callToolError(client, tool, args);
      expect(text).toContain("404 Not Found");
      expect(text).toContain(`Entry User not found by userId ${USER}`);
      expect(text).toContain(`Request id: ${apiRequests(sandbox).at(-1)?.requestId}`);
    },
  );
});
