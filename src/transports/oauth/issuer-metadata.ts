import { z } from "zod";
import { isLoopbackHost } from "../../client/base-url.js";

/** The part of an authorization server's metadata (RFC 8414 / OpenID Discovery) a resource server needs. */
const IssuerMetadataSchema = z.looseObject({
  issuer: z.string().min(1),
  jwks_uri: z.url(),
});
export type IssuerMetadata = z.output<typeof IssuerMetadataSchema>;

/** The issuer's metadata could not be read, or does not describe that issuer. */
export class IssuerMetadataError extends Error {}

const DISCOVERY_TIMEOUT_MS = 5_000;

/**
 * Where an issuer's metadata may be, in the order the MCP authorization spec tries them: RFC 8414
 * first, then OpenID Discovery; for an issuer with a path, the well-known segment goes before the
 * path, and OpenID's own form (path, then the well-known segment) comes last.
 */
export function metadataUrls(issuer: string): URL[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, "");
  const at = (pathname: string) => new URL(pathname, url.origin);
  if (path === "") {
    return [at("/.well-known/oauth-authorization-server"), at("/.well-known/openid-configuration")];
  }
  return [
    at(`/.well-known/oauth-authorization-server${path}`),
    at(`/.well-known/openid-configuration${path}`),
    at(`${path}/.well-known/openid-configuration`),
  ];
}

/**
 * Reads the issuer's metadata from the first of its well-known URLs that answers 200 with JSON.
 * The document must name exactly this issuer (RFC 8414 §3.3), and its `jwks_uri` must be https
 * (or http on a loopback host). Redirects are not followed.
 */
export async function discoverIssuerMetadata(issuer: string, fetchImpl = fetch): Promise<IssuerMetadata> {
  const failures: string[] = [];
  for (const url of metadataUrls(issuer)) {
    let response: Response;
    try {
      response = await fetchImpl(url, {
        headers: { accept: "application/json" },
        redirect: "manual",
        signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS),
      });
    } catch (error) {
      failures.push(`${url.href}: ${describeFetchError(error)}`);
      continue;
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      failures.push(`${url.href}: HTTP ${response.status}`);
      continue;
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      failures.push(`${url.href}: not JSON`);
      continue;
    }
    return checkedMetadata(issuer, url, json);
  }
  throw new IssuerMetadataError(
    `could not read the metadata of the OAuth issuer ${issuer}: ${failures.join("; ")}`,
  );
}

function checkedMetadata(issuer: string, url: URL, json: unknown): IssuerMetadata {
  const parsed = IssuerMetadataSchema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join(".") || "(document)").join(", ");
    throw new IssuerMetadataError(`the OAuth issuer's metadata at ${url.href} is invalid: ${fields}`);
  }
  const metadata = parsed.data;
  if (metadata.issuer !== issuer) {
    throw new IssuerMetadataError(
      `the metadata at ${url.href} is for issuer ${JSON.stringify(metadata.issuer)}, not ${JSON.stringify(issuer)}: set --oauth-issuer to the issuer exactly as it names itself`,
    );
  }
  const jwks = new URL(metadata.jwks_uri);
  if (jwks.protocol !== "https:" && !(jwks.protocol === "http:" && isLoopbackHost(jwks.hostname))) {
    throw new IssuerMetadataError(`the OAuth issuer's jwks_uri must use https: ${metadata.jwks_uri}`);
  }
  return metadata;
}

function describeFetchError(error: unknown): string {
  if (error instanceof Error && error.name === "TimeoutError")
    return `no answer in ${DISCOVERY_TIMEOUT_MS} ms`;
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
