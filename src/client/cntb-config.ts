import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { CREDENTIAL_VARIABLES } from "./credentials.js";
import type { ContaboClientConfig } from "./index.js";

/** Where Contabo's `cntb` CLI keeps its configuration, in the order it is looked for. */
export function cntbConfigPaths(home: string = homedir()): string[] {
  return [join(home, ".cntb.yaml"), "/etc/cntb/.cntb.yaml"];
}

/** The cntb keys and the client settings they fill. */
const CNTB_KEYS = {
  "oauth2-clientid": "clientId",
  "oauth2-client-secret": "clientSecret",
  "oauth2-user": "username",
  "oauth2-password": "password",
  "oauth2-tokenurl": "authUrl",
  api: "apiUrl",
} as const;

type CntbValues = Partial<Record<(typeof CNTB_KEYS)[keyof typeof CNTB_KEYS], string>>;

/**
 * Reads cntb's flat YAML (`key: value` lines, values optionally quoted). Only the keys above are
 * kept; anything else in the file is ignored.
 */
export function parseCntbYaml(text: string): CntbValues {
  const values: CntbValues = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([A-Za-z0-9_-]+)\s*:\s*(.*)$/.exec(line);
    const key = match?.[1] as keyof typeof CNTB_KEYS | undefined;
    if (!match || key === undefined || !(key in CNTB_KEYS)) continue;
    const value = scalar(match[2] ?? "");
    if (value !== "") values[CNTB_KEYS[key]] = value;
  }
  return values;
}

/**
 * A YAML scalar on one line: a double-quoted string (with \" \\ \n \t escapes), a single-quoted
 * one ('' is a quote), or a plain value whose ` #` starts a comment. Quoted values keep their `#`.
 */
function scalar(text: string): string {
  const value = text.trim();
  const double = /^"((?:[^"\\]|\\.)*)"(\s+#.*)?$/.exec(value);
  if (double) {
    const escapes: Record<string, string> = { n: "\n", t: "\t", '"': '"', "\\": "\\", "/": "/" };
    return (double[1] ?? "").replace(/\\(.)/g, (_, char: string) => escapes[char] ?? char);
  }
  const single = /^'((?:[^']|'')*)'(\s+#.*)?$/.exec(value);
  if (single) return (single[1] ?? "").replaceAll("''", "'");
  return value.replace(/\s+#.*$/, "").trim();
}

export interface CredentialSource {
  config: ContaboClientConfig;
  /** Where the settings came from, for a log line: never the values. */
  source: string;
  /**
   * Present when a cntb config file was read: rewrites the CONTABO_* names in an error's text to
   * the names the person must fix (the file's keys), and says which file.
   */
  naming?: CredentialNaming;
}

/** How errors name the settings, when some of them come from a cntb config file. */
export interface CredentialNaming {
  /** The cntb config file that was read. */
  path: string;
  /** Each CONTABO_* variable, and what an error calls it instead. */
  names: ReadonlyMap<string, string>;
}

/** The variable of each setting the cntb file can give. */
const VARIABLES: Record<(typeof CNTB_KEYS)[keyof typeof CNTB_KEYS], string> = {
  ...CREDENTIAL_VARIABLES,
  authUrl: "CONTABO_AUTH_URL",
  apiUrl: "CONTABO_API_URL",
};

/**
 * The names errors use when `path` was read: a setting the file gave is its key; a credential
 * set nowhere is the key, or the variable; a setting from the environment keeps its variable.
 */
function namingFor(path: string, file: CntbValues, fromEnv: ContaboClientConfig): CredentialNaming {
  const names = new Map<string, string>();
  const envValues: Record<string, string | undefined> = {
    ...fromEnv.credentials,
    apiUrl: fromEnv.apiUrl,
    authUrl: fromEnv.authUrl,
  };
  for (const [key, field] of Object.entries(CNTB_KEYS)) {
    if (envValues[field]) continue;
    if (file[field]) names.set(VARIABLES[field], key);
    else if (field in CREDENTIAL_VARIABLES) names.set(VARIABLES[field], `${key} (or ${VARIABLES[field]})`);
  }
  return { path, names };
}

/**
 * An error's text with the settings named as `naming` says, and the file named: what the person
 * reads is what they can find and fix. "in the server's environment" becomes the file.
 */
export function nameCredentialSource(text: string, naming: CredentialNaming): string {
  let named = text;
  for (const [variable, name] of naming.names) {
    named = named.replace(new RegExp(`\\b${variable}\\b`, "g"), name);
  }
  if (named === text) return text;
  return named.includes("in the server's environment")
    ? named.replaceAll("in the server's environment", `in ${naming.path}`)
    : `${named.replace(/\s*$/, "")} (The credentials are read from ${naming.path}.)`;
}

/**
 * The CONTABO_* variables first; when some credentials are missing (and no access token is set),
 * the first cntb config file that exists fills the gaps, each variable still winning over it.
 */
export function withCntbFallback(
  fromEnv: ContaboClientConfig,
  paths: readonly string[] = cntbConfigPaths(),
  read: (path: string) => string = (path) => readFileSync(path, "utf8"),
): CredentialSource {
  const credentials = fromEnv.credentials ?? {};
  const complete =
    credentials.clientId && credentials.clientSecret && credentials.username && credentials.password;
  if (fromEnv.accessToken || complete) return { config: fromEnv, source: "environment" };
  for (const path of paths) {
    let text: string;
    try {
      text = read(path);
    } catch {
      continue;
    }
    const file = parseCntbYaml(text);
    const config: ContaboClientConfig = {
      ...fromEnv,
      apiUrl: fromEnv.apiUrl ?? file.apiUrl,
      authUrl: fromEnv.authUrl ?? file.authUrl,
      credentials: {
        clientId: credentials.clientId ?? file.clientId,
        clientSecret: credentials.clientSecret ?? file.clientSecret,
        username: credentials.username ?? file.username,
        password: credentials.password ?? file.password,
      },
    };
    const fromFile = Object.values(credentials).some(Boolean) ? `environment and ${path}` : path;
    return { config, source: `cntb config ${fromFile}`, naming: namingFor(path, file, fromEnv) };
  }
  return { config: fromEnv, source: "environment" };
}
