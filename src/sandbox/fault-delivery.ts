import type { ServerResponse } from "node:http";
import type { Fault } from "./faults.js";

/** The status a fault shows in the request log (0 when no response is sent at all). */
export function faultStatus(fault: Fault): number {
  switch (fault.kind) {
    case "status":
      return fault.status;
    case "expired-token":
      return 401;
    case "malformed-json":
    case "truncated-body":
      return 200;
    default:
      return 0;
  }
}

/** Answers a request with a fault instead of its real answer (which, after the operation ran, is lost). */
export function deliverFault(res: ServerResponse, fault: Fault, answer: { body?: unknown }): void {
  switch (fault.kind) {
    case "status": {
      const body = JSON.stringify({ statusCode: fault.status, message: "Injected fault" });
      res.writeHead(fault.status, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
        ...(fault.retryAfterSeconds === undefined ? {} : { "retry-after": String(fault.retryAfterSeconds) }),
      });
      res.end(body);
      return;
    }
    case "expired-token": {
      const body = '{"statusCode":401,"message":"Unauthorized"}';
      res.writeHead(401, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    case "malformed-json": {
      const body = '{"data": [{"userId": "6cdf5968-f9fe-4192-97c2-f349e813c5e8",';
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    case "truncated-body": {
      // The headers promise the whole body; half of it arrives, then the connection drops.
      const body = JSON.stringify(answer.body ?? { data: [], _links: { self: "/" } });
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.write(body.slice(0, Math.max(1, Math.floor(body.length / 2))));
      setImmediate(() => res.socket?.destroy());
      return;
    }
    case "reset":
      res.socket?.destroy();
      return;
    case "latency":
      throw new Error("latency is applied around the operation, not delivered");
    case "example-envelope":
      throw new Error("example-envelope rewrites the real answer (exampleEnvelope), it is not delivered");
  }
}

/** A list answer with the spec's example metadata (`_pagination: ""`, `_links: ""`); others as they are. */
export function exampleEnvelope(body: unknown): unknown {
  return typeof body === "object" && body !== null && "_pagination" in body
    ? { ...body, _pagination: "", _links: "" }
    : body;
}
