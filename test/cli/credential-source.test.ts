import { describe, expect, it } from "vitest";
import { nameCredentialSource, withCntbFallback } from "../../src/client/cntb-config.js";
import { ContaboAuthError, hintForStatus, renameInError } from "../../src/client/errors.js";

const PATH = "/home/me/.cntb.yaml";
const read = () => "oauth2-clientid: INT-1\noauth2-client-secret: s\noauth2-user: me@example.com\n";

describe("errors name the source of the credentials", () => {
  it("from the environment: no renaming", () => {
    const source = withCntbFallback(
      { credentials: { clientId: "a", clientSecret: "b", username: "c", password: "d" } },
      [PATH],
      read,
    );
    expect(source.naming).toBeUndefined();
  });

  it("from ~/.cntb.yaml: its keys and the file, the environment's own variables kept", () => {
    const { naming } = withCntbFallback({ credentials: { password: "from-env" } }, [PATH], read);
    if (!naming) throw new Error("no naming");
    expect(nameCredentialSource(hintForStatus(401), naming)).toBe(
      `The credentials were rejected: check oauth2-clientid, oauth2-client-secret, oauth2-user and CONTABO_API_PASSWORD (or CONTABO_ACCESS_TOKEN). (The credentials are read from ${PATH}.)`,
    );
    expect(
      nameCredentialSource("Set CONTABO_CLIENT_ID in the server's environment, or use --sandbox.", naming),
    ).toBe(`Set oauth2-clientid in ${PATH}, or use --sandbox.`);
    expect(nameCredentialSource("Nothing to rename.", naming)).toBe("Nothing to rename.");
  });

  it("renames an error once, however often it is thrown again", () => {
    const { naming } = withCntbFallback({}, [PATH], read);
    if (!naming) throw new Error("no naming");
    const error = new ContaboAuthError("Contabo refused the API client.", "Check CONTABO_CLIENT_SECRET.");
    const rename = (text: string) => nameCredentialSource(text, naming);
    renameInError(error, rename);
    renameInError(error, rename);
    expect(error.hint).toBe(`Check oauth2-client-secret. (The credentials are read from ${PATH}.)`);
    expect(error.message).toBe("Contabo refused the API client.");
  });
});
