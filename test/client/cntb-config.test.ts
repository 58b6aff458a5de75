import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cntbConfigPaths, parseCntbYaml, withCntbFallback } from "../../src/client/cntb-config.js";

const CNTB_YAML = `# written by cntb config
oauth2-clientid: INT-12345678
oauth2-client-secret: "file-secret"
oauth2-user: 'me@example.com'
oauth2-password: file-password # trailing comment
oauth2-tokenurl: https://auth.contabo.com/auth/realms/contabo/protocol/openid-connect/token
api: https://api.contabo.com
output: json
`;

function homeWith(text: string): string {
  const home = mkdtempSync(join(tmpdir(), "cntb-home-"));
  writeFileSync(join(home, ".cntb.yaml"), text);
  return home;
}

describe("cntb configuration fallback", () => {
  it("parses cntb's flat YAML, quoted or not, ignoring other keys and comments", () => {
    expect(parseCntbYaml(CNTB_YAML)).toEqual({
      clientId: "INT-12345678",
      clientSecret: "file-secret",
      username: "me@example.com",
      password: "file-password",
      authUrl: "https://auth.contabo.com/auth/realms/contabo/protocol/openid-connect/token",
      apiUrl: "https://api.contabo.com",
    });
  });

  it("keeps # and escapes inside quoted values, and strips comments after plain ones", () => {
    const values = parseCntbYaml(
      [
        'oauth2-password: "abc #def" # comment',
        "oauth2-client-secret: 'it''s #1'",
        'oauth2-user: "a\\"b\\\\c"',
        "oauth2-clientid: plain#not-a-comment # a comment",
      ].join("\n"),
    );
    expect(values).toEqual({
      password: "abc #def",
      clientSecret: "it's #1",
      username: 'a"b\\c',
      clientId: "plain#not-a-comment",
    });
  });

  it("reads $HOME/.cntb.yaml first, then /etc/cntb/.cntb.yaml", () => {
    expect(cntbConfigPaths("/home/me")).toEqual(["/home/me/.cntb.yaml", "/etc/cntb/.cntb.yaml"]);
    const read = (path: string) => {
      if (path === "/etc/cntb/.cntb.yaml") return "oauth2-clientid: from-etc";
      throw new Error("ENOENT");
    };
    expect(withCntbFallback({ credentials: {} }, cntbConfigPaths("/nowhere"), read)).toMatchObject({
      config: { credentials: { clientId: "from-etc" } },
      source: "cntb config /etc/cntb/.cntb.yaml",
    });
  });

  it("fills only what the CONTABO_* variables leave out, and says where from without the values", () => {
    const home = homeWith(CNTB_YAML);
    const result = withCntbFallback(
      { credentials: { clientSecret: "env-secret" }, apiUrl: "https://proxy.example.com" },
      cntbConfigPaths(home),
    );
    expect(result.config).toMatchObject({
      apiUrl: "https://proxy.example.com",
      authUrl: "https://auth.contabo.com/auth/realms/contabo/protocol/openid-connect/token",
      credentials: {
        clientId: "INT-12345678",
        clientSecret: "env-secret",
        username: "me@example.com",
        password: "file-password",
      },
    });
    expect(result.source).toBe(`cntb config environment and ${join(home, ".cntb.yaml")}`);
    for (const value of ["INT-12345678", "env-secret", "me@example.com", "file-password"]) {
      expect(result.source).not.toContain(value);
    }
  });

  it("does not read the file when the variables are complete or a token is given", () => {
    const read = () => {
      throw new Error("must not be read");
    };
    const complete = { credentials: { clientId: "a", clientSecret: "b", username: "c", password: "d" } };
    expect(withCntbFallback(complete, ["/x"], read)).toEqual({ config: complete, source: "environment" });
    expect(withCntbFallback({ accessToken: "t" }, ["/x"], read).source).toBe("environment");
    expect(withCntbFallback({ credentials: {} }, ["/missing"]).source).toBe("environment");
  });
});
