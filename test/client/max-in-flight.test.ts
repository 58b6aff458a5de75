import type { ServerResponse } from "node:http";
import { Agent } from "undici";
import { describe, expect, it, onTestFinished } from "vitest";
import { ContaboConfigError } from "../../src/client/errors.js";
import { type ContaboClientConfig, createContaboClient } from "../../src/client/index.js";
import { RequestPipeline } from "../../src/client/request-pipeline.js";
import { StaticTokenProvider } from "../../src/client/token-provider.js";
import { createHttpUsersApi } from "../../src/client/users-api.js";
import { type ReceivedRequest, replyJson, useLoopbackServer } from "./loopback-server.js";
import { FAST_RETRY, userEnvelope } from "./mock-api.js";

const userPath = (id: string) => `/v1/users/${id}`;

/**
 * A loopback API that holds every request open until the test releases it, counting the requests
 * open at once. A request stops counting when released, before its answer is written, so the count
 * never exceeds what the client has outstanding.
 */
async function holdingApi() {
  const held: ServerResponse[] = [];
  const counts = { open: 0, peak: 0 };
  const server = await useLoopbackServer((_request, response) => {
    held.push(response);
    counts.open++;
    counts.peak = Math.max(counts.peak, counts.open);
  });
  const releaseOldest = () => {
    const response = held.shift();
    if (!response) throw new Error("no request is held");
    counts.open--;
    replyJson(response, 200, userEnvelope());
  };
  return { server, counts, releaseOldest };
}

function clientOf(origin: string, config: Partial<ContaboClientConfig> = {}) {
  const client = createContaboClient({ apiUrl: origin, accessToken: "token", ...config });
  onTestFinished(() => client.close());
  return client;
}

const paths = (received: ReceivedRequest[]) => received.map((request) => request.path);

/** The promise's outcome, or a failure if it has not settled after `ms`. */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not settled after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Lets every pending promise callback run (no timer involved): queued callers are in the queue after it. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("at most maxInFlight requests to the API at once", () => {
  it.each([
    ["maxInFlight 8", { maxInFlight: 8 }, 8],
    ["maxInFlight 3", { maxInFlight: 3 }, 3],
    ["the default", {}, 8],
  ])(
    "with %s, 30 concurrent calls: never more than that many at the server, all 30 complete, in call order past the cap",
    async (_name, config, cap) => {
      const { server, counts, releaseOldest } = await holdingApi();
      const { api } = clientOf(server.origin, config);
      const ids = Array.from({ length: 30 }, (_, i) => `user-${i}`);
      const calls = ids.map((id) => api.retrieveUser(id));

      await server.arrivals(cap);
      for (let released = 0; released < ids.length; released++) {
        releaseOldest();
        // Each answer frees one slot, which the longest waiting call takes.
        await server.arrivals(Math.min(ids.length, cap + released + 1));
      }
      const results = await Promise.all(calls);

      expect(results.every((result) => result.status === 200)).toBe(true);
      expect(server.received).toHaveLength(30);
      expect(counts.peak).toBe(cap);
      expect(paths(server.received).slice(cap)).toEqual(ids.slice(cap).map(userPath));
    },
  );

  it("a call cancelled while it waits for a slot never reaches the server, and frees its place", async () => {
    const { server, releaseOldest } = await holdingApi();
    const { api } = clientOf(server.origin, { maxInFlight: 1 });
    const first = api.retrieveUser("first");
    await server.arrivals(1);
    const controller = new AbortController();
    const cancelled = api.retrieveUser("cancelled", { signal: controller.signal });
    const third = api.retrieveUser("third");
    await settle();

    controller.abort("the user cancelled the tool call");
    // Rejected while "first" still holds the only slot: it left the queue, it did not wait its turn.
    await expect(cancelled).rejects.toMatchObject({ name: "AbortError" });
    releaseOldest();
    await server.arrivals(2);
    releaseOldest();
    await expect(first).resolves.toMatchObject({ status: 200 });
    await expect(third).resolves.toMatchObject({ status: 200 });
    expect(paths(server.received)).toEqual([userPath("first"), userPath("third")]);
  });

  it("does not hold a slot while waiting to retry", async () => {
    let answered = 0;
    const server = await useLoopbackServer((request, response) => {
      // The first request to "flaky" gets a 503; everything else succeeds.
      if (request.path === userPath("flaky") && answered++ === 0)
        replyJson(response, 503, { statusCode: 503, message: "busy" });
      else replyJson(response, 200, userEnvelope());
    });
    const agent = new Agent();
    onTestFinished(() => agent.close());
    let retryWaitStarted: () => void = () => {};
    const waitStarted = new Promise<void>((resolve) => {
      retryWaitStarted = resolve;
    });
    let endRetryWait: () => void = () => {};
    const tokens = new StaticTokenProvider("token");
    const pipeline = new RequestPipeline({
      baseUrl: new URL(server.origin),
      tokens,
      dispatcher: agent,
      traceId: "trace",
      retry: FAST_RETRY,
      maxInFlight: 1,
      wait: () =>
        new Promise<void>((resolve) => {
          endRetryWait = resolve;
          retryWaitStarted();
        }),
    });
    const api = createHttpUsersApi(pipeline, tokens);

    const flaky = api.retrieveUser("flaky");
    await waitStarted;
    // "flaky" waits to retry: the only slot is free for another call meanwhile.
    await expect(within(5_000, api.retrieveUser("other"))).resolves.toMatchObject({ status: 200 });
    endRetryWait();
    await expect(flaky).resolves.toMatchObject({ status: 200 });
    expect(paths(server.received)).toEqual([userPath("flaky"), userPath("other"), userPath("flaky")]);
  });

  it("does not count the token request: a login goes ahead while the only slot is taken", async () => {
    let clock = Date.parse("2026-05-01T12:00:00.000Z");
    const held: ServerResponse[] = [];
    const server = await useLoopbackServer((request, response) => {
      if (request.path === "/token") replyJson(response, 200, { access_token: "t", expires_in: 60 });
      else held.push(response);
    });
    const { api } = clientOf(server.origin, {
      accessToken: undefined,
      authUrl: `${server.origin}/token`,
      credentials: { clientId: "DE-1", clientSecret: "s", username: "me@example.com", password: "pw" },
      now: () => clock,
      maxInFlight: 1,
    });
    const first = api.retrieveUser("first");
    await server.arrivals(2); // its login, then the call, held
    clock += 61_000; // the token expired
    const second = api.retrieveUser("second");
    await server.arrivals(3); // the new login reached the token endpoint though the only slot is taken
    for (const response of held.splice(0)) replyJson(response, 200, userEnvelope());
    await server.arrivals(4);
    for (const response of held.splice(0)) replyJson(response, 200, userEnvelope());
    await Promise.all([first, second]);
    expect(paths(server.received)).toEqual(["/token", userPath("first"), "/token", userPath("second")]);
  });

  it.each([0, -2, 2.5, Number.NaN])("refuses maxInFlight %s with a configuration error", (maxInFlight) => {
    const error = (() => {
      try {
        createContaboClient({ apiUrl: "http://127.0.0.1:1", accessToken: "t", maxInFlight });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ContaboConfigError);
    expect((error as Error).message).toBe(
      `maxInFlight must be a whole number of 1 or more, not ${maxInFlight}.`,
    );
  });
});
