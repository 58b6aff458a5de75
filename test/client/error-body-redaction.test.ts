import { describe, expect, it } from "vitest";
import { ContaboApiError } from "../../src/client/errors.js";
import { createContaboClient } from "../../src/client/index.js";
import { SecretRedactor } from "../../src/shared/secrets.js";
import { useLoopbackServer } from "./loopback-server.js";

describe("error bodies", () => {
  it("are redacted before they are cut short, so no part of a secret survives the cut", async () => {
    const secret = "s3cr3t-client-secret-0123456789abcdef";
    // A plain-text body whose 300-character cut would fall inside the secret.
    const body = `${"x".repeat(280)} echo: ${secret} trailing text`;
    const { origin } = await useLoopbackServer((_request, response) => {
      response.writeHead(500, { "content-type": "text/plain" }).end(body);
    });
    const redactor = new SecretRedactor();
    redactor.remember(secret, true);
    const client = createContaboClient({
      apiUrl: origin,
      accessToken: "a-static-token-for-this-test",
      redactor,
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 },
    });
    const error = await client.api.retrieveUserClient().catch((caught: unknown) => caught);
    await client.close();
    expect(error).toBeInstanceOf(ContaboApiError);
    const message = (error as ContaboApiError).message;
    expect(message).toContain("[redacted]");
    expect(message).not.toContain(secret.slice(0, 12));
  });
});
